using LabelPlatform;
using LabelPlatform.Background;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The worker runs background jobs on the "review" queue (model review lands there), one per GPU machine.
var builder = Host.CreateApplicationBuilder(args);
builder.AddLabelPlatform();
builder.AddBackgroundJobs("worker", BackgroundJobsSetup.ReviewQueue);
builder.Services.AddHostedService<LabelPlatform.Review.Verdicts.ReviewScheduler>();

var host = builder.Build();
host.Run();
