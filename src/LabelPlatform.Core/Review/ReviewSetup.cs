using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Inputs;
using LabelPlatform.Review.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Review;

public static class ReviewSetup
{
    /// <summary>Model registry and inference: web nodes validate uploads; review workers run models.</summary>
    public static IHostApplicationBuilder AddReview(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ReviewOptions>(builder.Configuration.GetSection(ReviewOptions.Section));
        builder.Services.AddSingleton<OnnxSessions>();
        builder.Services.AddTransient<ModelValidator>();
        builder.Services.AddTransient<ModelSandbox>();
        builder.Services.AddTransient<RegisterModel>();
        builder.Services.AddTransient<ReviewInputs>();
        builder.Services.AddTransient<MakeInputCopies>();
        builder.Services.AddTransient<InputCopiesJob>();
        builder.Services.AddTransient<InputCopyRequests>();
        builder.Services.AddTransient<Models.LatestReviewModel>();
        builder.Services.AddTransient<Jobs.ImportItems.IItemsImported>(services => services.GetRequiredService<InputCopyRequests>());
        builder.Services.AddTransient<Verdicts.ReviewPending>();
        builder.Services.AddTransient<Verdicts.ReviewJob>();
        builder.Services.AddTransient<Verdicts.SetReviewPolicy>();
        builder.Services.AddTransient<Prefilter.StartPrefilter>();
        builder.Services.AddTransient<Prefilter.PrefilterBatch>();
        builder.Services.AddTransient<Prefilter.PrefilterJob>();
        builder.Services.AddTransient<Prefilter.PrefilterSweep>();
        builder.Services.AddTransient<Prefilter.PrefilterSummaries>();
        builder.Services.AddTransient<Flagged.FlaggedSubmissions>();
        builder.Services.AddTransient<Batches.ClaimReviewBatch>();
        builder.Services.AddTransient<Batches.LoadReviewBatch>();
        builder.Services.AddTransient<Batches.DecideReviewBatch>();
        builder.Services.AddTransient<Undecided.UndecidedItems>();
        builder.Services.AddTransient<Batches.ExpireReviewBatches>();
        builder.Services.AddTransient<Batches.ExpireReviewBatchesJob>();
        builder.Services.AddTransient<Batches.SetRejectionReasons>();
        builder.Services.AddTransient<Disputes.DisputeRejection>();
        builder.Services.AddTransient<Disputes.MyRejectedAnswers>();
        return builder;
    }
}
