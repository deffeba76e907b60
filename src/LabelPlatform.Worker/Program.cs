using LabelPlatform.Background;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The worker runs background jobs on the "review" queue (model review lands there), one per GPU machine.
var builder = Host.CreateApplicationBuilder(args);
builder.AddData();
builder.AddJobs();
builder.AddQueue();
builder.AddReview();
builder.AddBackgroundJobs("worker", BackgroundJobsSetup.ReviewQueue);
builder.Services.AddHostedService<LabelPlatform.Review.Verdicts.ReviewScheduler>();

var host = builder.Build();
host.Run();
