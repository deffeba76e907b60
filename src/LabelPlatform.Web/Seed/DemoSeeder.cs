using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Demo;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Models;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Seed;

/// <summary>One account per role, an organisation and a running job of each task kind. Running it again changes nothing.</summary>
public sealed class DemoSeeder(
    SignUp signUp,
    UserManager<AppUser> users,
    AppDbContext db,
    CreateJob createJob,
    ZipImporter importer,
    TextImporter texts,
    RegisterModel registerModel,
    ChangeJobStatus changeStatus,
    Review.Prefilter.StartPrefilter startPrefilter,
    Billing.Funding.CreditOrganisation credit,
    IHostEnvironment environment)
{
    public const string Password = "labelplatform-demo";
    public const string JobName = "Handwritten digits";
    public const int DigitCount = 200;
    public const string PrefilteredJobName = "Handwritten digits, model first";
    public const long DemoCredit = 500_00;

    public static readonly (string Email, string Role)[] Accounts =
    [
        ("admin@demo.labelplatform.test", Roles.Admin),
        ("researcher@demo.labelplatform.test", Roles.Researcher),
        ("reviewer@demo.labelplatform.test", Roles.Reviewer),
        ("worker@demo.labelplatform.test", Roles.Worker),
    ];

    public async Task SeedAsync(TextWriter output, CancellationToken ct = default)
    {
        foreach (var (email, role) in Accounts)
        {
            await EnsureUserAsync(email, role, ct);
        }

        var researcher = await users.FindByEmailAsync(Accounts[1].Email) ?? throw new InvalidOperationException("Researcher missing.");
        var orgId = researcher.OrganisationId!.Value;

        // The demo organisation starts with an invoiced credit, so its jobs can launch (keyed: seeding twice credits once).
        await credit.HandleAsync(orgId, DemoCredit, "USD", "Demo credit (invoice DEMO-1)", "demo-seed", new Guid("d3e0c0de-0000-4000-8000-000000000001"), ct);
        if (!await db.Jobs.AnyAsync(j => j.OrganisationId == orgId && j.Name == JobName, ct))
        {
            await CreateDigitsJobAsync(orgId, researcher.Id, ct);
        }

        if (!await db.Jobs.AnyAsync(j => j.OrganisationId == orgId && j.Name == PrefilteredJobName, ct))
        {
            await CreatePrefilteredDigitsJobAsync(orgId, researcher.Id, ct);
        }

        foreach (var (draft, source) in OtherJobs())
        {
            if (!await db.Jobs.AnyAsync(j => j.OrganisationId == orgId && j.Name == draft.Name, ct))
            {
                await CreateJobAsync(draft, source, orgId, researcher.Id, ct);
            }
        }

        await output.WriteLineAsync("Demo accounts (password for all: " + Password + "):");
        foreach (var (email, role) in Accounts)
        {
            await output.WriteLineAsync($"  {role,-10} {email}");
        }
    }

    private async Task EnsureUserAsync(string email, string role, CancellationToken ct)
    {
        if (await users.FindByEmailAsync(email) is not null)
        {
            return;
        }

        var kind = role == Roles.Researcher ? AccountKind.Researcher : AccountKind.Worker;
        var name = $"Demo {role.ToLowerInvariant()}";
        var created = await signUp.HandleAsync(new SignUpRequest(email, Password, name, kind, kind == AccountKind.Researcher ? "Demo Lab" : null), ct);
        if (!created.IsSuccess)
        {
            throw new InvalidOperationException($"Demo account {email}: {created.Error!.Message}");
        }

        if (role is Roles.Admin or Roles.Reviewer)
        {
            await users.RemoveFromRoleAsync(created.Value!, Roles.Worker);
            await users.AddToRoleAsync(created.Value!, role);
        }
    }

    /// <summary>One job of each other task kind, over the photos and reviews in SeedData.</summary>
    private static IEnumerable<(JobDraft Draft, string Source)> OtherJobs()
    {
        yield return (new JobDraft(
            "Objects in photos",
            """
            Draw a box around **every** coin, cat, cup, person and rocket you can see.

            * Drag on the image to draw; drag the corners to fit the box tightly.
            * Number keys choose the class; **Delete** removes the selected box; **Enter** submits.
            * Nothing to mark? Submit with no boxes.
            """,
            ["coin", "cat", "cup", "person", "rocket"],
            AnswersPerItem: 2,
            PricePerAnswer: 10,
            Kind: TaskKind.BoundingBoxes,
            MinBoxSize: 4,
            MaxBoxes: 100), "photos");
        yield return (new JobDraft(
            "Photo tags",
            "Choose **every** tag that fits the photo (number keys switch tags on and off), then **Enter**. None fits? Press Enter with none chosen.",
            ["animal", "food or drink", "vehicle", "outdoors", "indoors", "metal", "plants"],
            AnswersPerItem: 3,
            PricePerAnswer: 3,
            Kind: TaskKind.ImageMultiLabel), "photos");
        yield return (new JobDraft(
            "Review sentiment",
            "How does the customer feel about the product? **Mixed** when the review is clearly both positive and negative.",
            ["positive", "negative", "neutral", "mixed"],
            AnswersPerItem: 3,
            PricePerAnswer: 2,
            Kind: TaskKind.TextClassification), "reviews.jsonl");
    }

    private string SeedPath(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "SeedData", name);
        return File.Exists(path) || Directory.Exists(path) ? path : Path.Combine(environment.ContentRootPath, "SeedData", name);
    }

    private async Task CreateJobAsync(JobDraft draft, string source, Guid orgId, string researcherId, CancellationToken ct)
    {
        var job = await createJob.HandleAsync(draft, orgId, researcherId, ct);
        if (!job.IsSuccess)
        {
            throw new InvalidOperationException($"Demo job {draft.Name}: {job.Error!.Message}");
        }

        var path = SeedPath(source);
        Result<ImportReport> report;
        if (draft.Kind.IsText())
        {
            await using var file = File.OpenRead(path);
            report = await texts.ImportAsync(job.Value!.Id, orgId, Path.GetFileName(path), file, ct);
        }
        else
        {
            using var zip = new MemoryStream();
            using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var photo in Directory.GetFiles(path).Order())
                {
                    System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(archive, photo, Path.GetFileName(photo));
                }
            }

            zip.Position = 0;
            report = await importer.ImportAsync(job.Value!.Id, orgId, zip, ct: ct);
        }

        if (!report.IsSuccess || !report.Value!.Succeeded)
        {
            throw new InvalidOperationException($"Demo import for {draft.Name} failed: {report.Error?.Message ?? report.Value!.Summary}");
        }

        await changeStatus.HandleAsync(job.Value.Id, orgId, JobAction.Launch, ct);
    }

    private async Task CreateDigitsJobAsync(Guid orgId, string researcherId, CancellationToken ct)
    {
        var draft = new JobDraft(
            JobName,
            """
            Which digit (0–9) is written in the picture?

            * Press the **number key** of the digit, or click its button, then **Enter** to submit.
            * If it is hard to read, choose the digit it most looks like.
            """,
            Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            AnswersPerItem: 3,
            PricePerAnswer: 2);
        var job = await createJob.HandleAsync(draft, orgId, researcherId, ct);
        var path = SeedPath("digits.csv.gz");
        using var zip = DigitImages.ZipOf(DigitImages.Read(path), DigitCount);
        var report = await importer.ImportAsync(job.Value!.Id, orgId, zip, ct: ct);
        if (!report.IsSuccess || !report.Value!.Succeeded)
        {
            throw new InvalidOperationException($"Demo import failed: {report.Error?.Message ?? report.Value!.Summary}");
        }

        await RegisterDigitsModelAsync(job.Value.Id, orgId, researcherId, ct);
        await changeStatus.HandleAsync(job.Value.Id, orgId, JobAction.Launch, ct);
    }

    /// <summary>
    /// Digits the model has not been trained on, not launched yet: the review worker pre-filters them
    /// as soon as it starts, so the researcher finds the share left for people and can launch.
    /// </summary>
    private async Task CreatePrefilteredDigitsJobAsync(Guid orgId, string researcherId, CancellationToken ct)
    {
        var draft = new JobDraft(
            PrefilteredJobName,
            "Which digit (0–9) is written in the picture? The model labelled the ones it was sure about; you get the rest.",
            Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            AnswersPerItem: 3,
            PricePerAnswer: 2,
            ShowSuggestions: true);
        var job = await createJob.HandleAsync(draft, orgId, researcherId, ct);
        using var zip = DigitImages.ZipOf(DigitImages.Read(SeedPath("digits.csv.gz")).Where(d => d.Row >= 1200).ToList(), 300);
        var report = await importer.ImportAsync(job.Value!.Id, orgId, zip, ct: ct);
        if (!report.IsSuccess || !report.Value!.Succeeded)
        {
            throw new InvalidOperationException($"Demo import failed: {report.Error?.Message ?? report.Value!.Summary}");
        }

        await RegisterDigitsModelAsync(job.Value.Id, orgId, researcherId, ct);
        var run = await startPrefilter.HandleAsync(job.Value.Id, orgId, researcherId, new Review.Prefilter.PrefilterRequest(0.95f, 0.05f, MachineLabels: true), ct);
        if (!run.IsSuccess)
        {
            throw new InvalidOperationException($"Demo pre-filter: {run.Error!.Message}");
        }
    }

    // The digits classifier, fed the PNGs' grey values back as the model's 0..1 ink.
    private async Task RegisterDigitsModelAsync(Guid jobId, Guid orgId, string researcherId, CancellationToken ct)
    {
        var model = await registerModel.HandleAsync(
            jobId, orgId, researcherId, "digits-mlp.onnx", await File.ReadAllBytesAsync(SeedPath("models/digits-mlp.onnx"), ct), DigitsModel, ct);
        if (!model.IsSuccess)
        {
            throw new InvalidOperationException($"Demo review model: {model.Error!.Message}");
        }
    }

    /// <summary>How the digits model reads the demo's PNGs: grey = 255 − 15 × value, so value / 16 = (255 − grey) / 240.</summary>
    public static readonly ModelDescriptor DigitsModel = new()
    {
        Kind = ModelKind.Classification,
        InputName = "image",
        Width = 8,
        Height = 8,
        Colour = ColourOrder.Grey,
        Scale = -1f / 240f,
        Mean = [-255f / 240f],
        Std = [1f],
        OutputName = "probabilities",
        LabelMap = Enumerable.Range(0, 10).ToDictionary(d => d, d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };
}
