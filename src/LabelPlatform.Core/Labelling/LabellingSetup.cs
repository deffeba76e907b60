using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Labelling;

public static class LabellingSetup
{
    public static IHostApplicationBuilder AddLabelling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTransient<Drafts.WorkDrafts>();
        return builder;
    }
}
