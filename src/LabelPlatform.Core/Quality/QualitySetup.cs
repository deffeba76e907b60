using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Quality;

public static class QualitySetup
{
    /// <summary>Gold, worker accuracy and final labels: used by Review and the Queue above them.</summary>
    public static IHostApplicationBuilder AddQuality(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Gold.GoldDraw>();
        builder.Services.AddTransient<Gold.GoldItems>();
        builder.Services.AddTransient<Gold.GetReviewerQuality>();
        builder.Services.AddTransient<Gold.GoldCandidates>();
        builder.Services.AddTransient<Gold.SetQualityPolicy>();
        builder.Services.AddTransient<Gold.WorkerAccuracy>();
        builder.Services.AddTransient<Gold.WorkerFeedback>();
        builder.Services.AddTransient<FinalLabels.RecomputeFinalLabels>();
        builder.Services.AddTransient<FinalLabels.FinalLabelsSweep>();
        builder.Services.AddTransient<FinalLabels.GetJobQualityFigures>();
        return builder;
    }
}
