using System.Diagnostics;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Bench.Workspace;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Review.Inputs;
using LabelPlatform.Review.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Bench.Review;

/// <param name="Items">Images in the job, cycling over the photos.</param>
/// <param name="AnswersPerItem">Answers per item, each by its own worker: items × answers wait for review.</param>
public sealed record ReviewSeedPlan(int Items, int AnswersPerItem, string ModelPath, IReadOnlyList<string> Photos, string StorageRoot, int Threads);

/// <summary>
/// A running classification job of photos with the MobileNet-shaped model registered, its
/// model-sized input copies made (the background pass registration asks for), and every item
/// answered by <see cref="ReviewSeedPlan.AnswersPerItem"/> workers through the product's queue, so
/// the answers wait for review as they would in production.
/// </summary>
public sealed class ReviewSeeder(string connectionString)
{
    public const string Password = "bench-review-password";
    public static readonly IReadOnlyList<string> Labels = ["rocket", "sky", "flower", "building"];

    /// <summary>The model as a researcher would describe it: ImageNet normalisation, 224×224 RGB, two classes mapped to labels.</summary>
    public static readonly ModelDescriptor MobileNet = new()
    {
        Kind = ModelKind.Classification,
        InputName = "input",
        Layout = TensorLayout.Nchw,
        Width = 224,
        Height = 224,
        Colour = ColourOrder.Rgb,
        Scale = 1f / 255f,
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
        Resize = ImageResize.Stretch,
        OutputName = "probabilities",
        ClassificationOutput = ClassificationOutput.Probabilities,
        LabelMap = new() { [0] = "rocket", [1] = "sky", [2] = "flower", [3] = "building" },
    };

    public async Task RunAsync(ReviewSeedPlan plan)
    {
        var clock = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, connectionString);
        await using (var db = new AppDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        using var host = await ReviewHost.StartAsync(connectionString, plan.StorageRoot, plan.Threads);
        var services = host.Services;
        var researcher = await SignUpAsync(services, "researcher@review.bench.labelplatform.test", AccountKind.Researcher);
        var workers = new List<AppUser>();
        for (var w = 0; w < plan.AnswersPerItem; w++)
        {
            workers.Add(await SignUpAsync(services, $"worker{w}@review.bench.labelplatform.test", AccountKind.Worker));
        }

        var orgId = researcher.OrganisationId!.Value;
        Guid jobId;
        await using (var scope = services.CreateAsyncScope())
        {
            var draft = new JobDraft("Photos (review bench)", "What does the photo show?", Labels, plan.AnswersPerItem, PricePerAnswer: 2);
            var created = await scope.ServiceProvider.GetRequiredService<CreateJob>().HandleAsync(draft, orgId, researcher.Id);
            jobId = (created.Value ?? throw new InvalidOperationException($"CreateJob: {created.Error!.Message}")).Id;
            var photos = plan.Photos.Select(File.ReadAllBytes).ToList();
            using var zip = BenchImages.Zip(Enumerable.Range(0, plan.Items)
                .Select(i => ($"photo-{i:D5}{Path.GetExtension(plan.Photos[i % photos.Count])}", photos[i % photos.Count])).ToArray());
            var import = await scope.ServiceProvider.GetRequiredService<ZipImporter>().ImportAsync(jobId, orgId, zip);
            if (import.Value is not { Succeeded: true })
            {
                throw new InvalidOperationException($"Import: {import.Error?.Message ?? import.Value!.Summary}");
            }

            // Launching reserves escrow: the bench organisation is credited first, as an admin would.
            var funded = await scope.ServiceProvider.GetRequiredService<LabelPlatform.Billing.Funding.CreditOrganisation>()
                .HandleAsync(orgId, LabelPlatform.Billing.Funding.AddFunds.Maximum, "USD", "Bench invoice", "bench", Guid.NewGuid());
            if (!funded.IsSuccess)
            {
                throw new InvalidOperationException($"Funding the bench organisation: {funded.Error!.Message}");
            }

            var launched = await scope.ServiceProvider.GetRequiredService<ChangeJobStatus>().HandleAsync(jobId, orgId, JobAction.Launch);
            if (!launched.IsSuccess)
            {
                throw new InvalidOperationException($"Launch: {launched.Error!.Message}");
            }

            var model = await scope.ServiceProvider.GetRequiredService<RegisterModel>().HandleAsync(
                jobId, orgId, researcher.Id, Path.GetFileName(plan.ModelPath), File.ReadAllBytes(plan.ModelPath), MobileNet);
            if (!model.IsSuccess)
            {
                throw new InvalidOperationException($"RegisterModel: {model.Error!.Message}");
            }
        }

        var seeded = clock.Elapsed;

        // The background pass that registering a model asks for (InputCopiesJob), here in the
        // foreground on every core so the setup is quick.
        var copyClock = Stopwatch.StartNew();
        int copies;
        await using (var scope = services.CreateAsyncScope())
        {
            copies = await scope.ServiceProvider.GetRequiredService<MakeInputCopies>().RunAsync(jobId);
        }

        var copySeconds = copyClock.Elapsed.TotalSeconds;

        // Every worker answers every item once, through the product's queue: the job has a model,
        // so each answer waits for review.
        var answerClock = Stopwatch.StartNew();
        var answered = await Task.WhenAll(workers.Select((w, n) => AnswerAllAsync(services, jobId, w.Id, n)));
        var answers = answered.Sum();
        var expected = plan.Items * plan.AnswersPerItem;
        if (answers != expected)
        {
            throw new InvalidOperationException($"{answers} answers were submitted; {expected} were expected.");
        }

        Console.WriteLine($"Seeded a running job of {plan.Items} photos ({plan.Photos.Count} files in turn) with the model registered in {seeded.TotalSeconds:0.0} s; " +
            $"made {copies} model-sized input copies in {copySeconds:0.0} s ({copies / copySeconds:0} images/s on {Environment.ProcessorCount} cores); " +
            $"{answers} answers submitted by {workers.Count} workers in {answerClock.Elapsed.TotalSeconds:0.0} s");
        Measure.Print("review_seed", ("job", jobId), ("items", plan.Items), ("answers", answers), ("copies", copies),
            ("copy_img_per_s", copies / copySeconds), ("seconds", clock.Elapsed.TotalSeconds));
    }

    private static async Task<int> AnswerAllAsync(IServiceProvider services, Guid jobId, string workerId, int seed)
    {
        var random = new Random(seed);
        var count = 0;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var claim = await scope.ServiceProvider.GetRequiredService<ClaimNextItem>().HandleAsync(jobId, workerId);
            if (claim.Value is not { } task)
            {
                // Nothing left for this worker, or the last answer completed the job: the caller
                // checks that every item got all its answers.
                return count;
            }

            var label = Labels[random.Next(Labels.Count)];
            var submitted = await scope.ServiceProvider.GetRequiredService<SubmitAnswer>().HandleAsync(task.AssignmentId, workerId, Answer.OneLabel(label));
            if (!submitted.IsSuccess)
            {
                throw new InvalidOperationException($"Submit: {submitted.Error!.Message}");
            }

            count++;
        }
    }

    private static async Task<AppUser> SignUpAsync(IServiceProvider services, string email, AccountKind kind)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SignUp>().HandleAsync(
            new SignUpRequest(email, Password, $"Bench {kind.ToString().ToLowerInvariant()}", kind, kind == AccountKind.Researcher ? "Review Bench Lab" : null));
        return result.Value ?? throw new InvalidOperationException($"Sign-up of {email}: {result.Error!.Message}");
    }
}
