using System.Diagnostics;
using System.Globalization;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Bench.Review;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.Bench.Workspace;

/// <param name="Items">Digit images in the classification job (warm-up plus measured items, and some to spare).</param>
/// <param name="Boxes">Suggested boxes on the box job's one image.</param>
public sealed record WorkspaceSeedPlan(int Items, int Boxes, int ImageWidth, int ImageHeight, string DigitsPath, string StorageRoot);

/// <summary>
/// A worker, a running digits job and a running box job, made with the product's own use cases
/// (SignUp, CreateJob, ZipImporter, ChangeJobStatus) as a researcher would make them. Only the box
/// item's pre-annotation is written directly, as a model's would be: the product reads
/// items.pre_annotation but has no use case that writes it yet.
/// </summary>
public sealed class WorkspaceSeeder(string connectionString)
{
    public const string WorkerEmail = "worker@bench.labelplatform.test";
    public const string Password = "bench-workspace-password";
    public static readonly IReadOnlyList<string> BoxClasses = ["car", "person", "bicycle", "traffic sign"];

    public async Task RunAsync(WorkspaceSeedPlan plan)
    {
        var clock = Stopwatch.StartNew();

        // A context without the host's logging: on an empty database EF logs its first look for the
        // migrations history table as a failed command.
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, connectionString);
        await using (var db = new AppDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        // The product as the other benchmarks run it: importing asks the review capability for
        // model-sized copies, and launching reserves the budget in escrow.
        using var host = await ReviewHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connectionString,
            ["Storage:Root"] = plan.StorageRoot,
            ["Review:Device"] = "cpu",
        });
        var services = host.Services;

        var researcher = await SignUpAsync(services, "researcher@bench.labelplatform.test", AccountKind.Researcher);
        await SignUpAsync(services, WorkerEmail, AccountKind.Worker);
        var orgId = researcher.OrganisationId!.Value;
        var funded = await services.GetRequiredService<CreditOrganisation>().HandleAsync(orgId, AddFunds.Maximum, "USD", "Bench invoice", "bench", Guid.NewGuid());
        if (!funded.IsSuccess)
        {
            throw new InvalidOperationException($"Funding the bench organisation: {funded.Error!.Message}");
        }

        var digits = new JobDraft(
            "Handwritten digits (bench)", "Which digit (0–9) is written in the picture?",
            Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToList(), AnswersPerItem: 1, PricePerAnswer: 2);
        using var digitsZip = BenchImages.DigitsZip(plan.DigitsPath, plan.Items);
        var classifyJob = await CreateRunningJobAsync(services, digits, researcher, digitsZip);

        var scene = BenchImages.SceneJpeg(plan.ImageWidth, plan.ImageHeight);
        var boxes = new JobDraft(
            "Street scene (bench)", "Draw a box around every car, person, bicycle and traffic sign.", BoxClasses,
            AnswersPerItem: 1, PricePerAnswer: 50, Kind: TaskKind.BoundingBoxes, MaxBoxes: Math.Max(JobRules.DefaultMaxBoxes, plan.Boxes),
            ShowSuggestions: true);
        using var sceneZip = BenchImages.Zip(("scene.jpg", scene));
        var boxJob = await CreateRunningJobAsync(services, boxes, researcher, sceneZip);

        var suggestion = Answer.WithBoxes(SuggestedBoxes(plan.Boxes, plan.ImageWidth, plan.ImageHeight)).ToJson();
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var updated = await db.Items.Where(i => i.JobId == boxJob).ExecuteUpdateAsync(s => s.SetProperty(i => i.PreAnnotation, suggestion));
            if (updated != 1)
            {
                throw new InvalidOperationException($"The box job has {updated} items; it should have one.");
            }
        }

        Console.WriteLine($"Seeded a worker, a running digits job with {plan.Items} images and a running box job with one " +
            $"{plan.ImageWidth}×{plan.ImageHeight} JPEG ({scene.Length / 1024.0 / 1024.0:0.0} MB) pre-annotated with {plan.Boxes} boxes " +
            $"in {clock.Elapsed.TotalSeconds:0.0} s");
        Measure.Print("workspace_seed", ("classify_job", classifyJob), ("box_job", boxJob), ("worker", WorkerEmail), ("items", plan.Items),
            ("boxes", plan.Boxes), ("image_bytes", scene.Length), ("seconds", clock.Elapsed.TotalSeconds));
    }

    /// <summary>Boxes a detector might suggest on a busy street: sizes from far to near, classes in turn, fixed seed.</summary>
    public static IEnumerable<BoundingBox> SuggestedBoxes(int count, int width, int height)
    {
        var random = new Random(7);
        for (var i = 0; i < count; i++)
        {
            int w = random.Next(40, 400), h = random.Next(40, 400);
            yield return new BoundingBox(BoxClasses[i % BoxClasses.Count], random.Next(0, width - w), random.Next(0, height - h), w, h, Suggested: true);
        }
    }

    private static async Task<AppUser> SignUpAsync(IServiceProvider services, string email, AccountKind kind)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SignUp>().HandleAsync(
            new SignUpRequest(email, Password, $"Bench {kind.ToString().ToLowerInvariant()}", kind, kind == AccountKind.Researcher ? "Bench Lab" : null));
        return result.Value ?? throw new InvalidOperationException($"Sign-up of {email}: {result.Error!.Message}");
    }

    private static async Task<Guid> CreateRunningJobAsync(IServiceProvider services, JobDraft draft, AppUser researcher, Stream zip)
    {
        await using var scope = services.CreateAsyncScope();
        var orgId = researcher.OrganisationId!.Value;
        var created = await scope.ServiceProvider.GetRequiredService<CreateJob>().HandleAsync(draft, orgId, researcher.Id);
        var job = created.Value ?? throw new InvalidOperationException($"Job '{draft.Name}': {created.Error!.Message}");
        var import = await scope.ServiceProvider.GetRequiredService<ZipImporter>().ImportAsync(job.Id, orgId, zip);
        if (import.Value is not { Succeeded: true })
        {
            throw new InvalidOperationException($"Import into '{draft.Name}': {import.Error?.Message ?? import.Value!.Summary}");
        }

        var launched = await scope.ServiceProvider.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, orgId, JobAction.Launch);
        return launched.IsSuccess ? job.Id : throw new InvalidOperationException($"Launch of '{draft.Name}': {launched.Error!.Message}");
    }
}
