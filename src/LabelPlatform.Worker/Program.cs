using LabelPlatform.Background;
using LabelPlatform.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The worker runs background jobs on the "review" queue (model review lands there), one per GPU machine.
var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddBackgroundJobs("worker", BackgroundJobsSetup.ReviewQueue);
builder.Services.AddHostedService<LabelPlatform.Review.Verdicts.ReviewScheduler>();

var host = builder.Build();
host.Run();
