using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Lifecycle;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Seed;

/// <summary>One account per role, an organisation and a running digits job. Running it again changes nothing.</summary>
public sealed class DemoSeeder(
    SignUp signUp,
    UserManager<AppUser> users,
    AppDbContext db,
    CreateJob createJob,
    ZipImporter importer,
    ChangeJobStatus changeStatus,
    IHostEnvironment environment)
{
    public const string Password = "labelplatform-demo";
    public const string JobName = "Handwritten digits";
    public const int DigitCount = 200;

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
        if (!await db.Jobs.AnyAsync(j => j.OrganisationId == orgId && j.Name == JobName, ct))
        {
            await CreateDigitsJobAsync(orgId, researcher.Id, ct);
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
        var path = Path.Combine(AppContext.BaseDirectory, "SeedData", "digits.csv.gz");
        if (!File.Exists(path))
        {
            path = Path.Combine(environment.ContentRootPath, "SeedData", "digits.csv.gz");
        }

        using var zip = DigitImages.ZipOf(DigitImages.Read(path), DigitCount);
        var report = await importer.ImportAsync(job.Value!.Id, orgId, zip, ct: ct);
        if (!report.IsSuccess || !report.Value!.Succeeded)
        {
            throw new InvalidOperationException($"Demo import failed: {report.Error?.Message ?? report.Value!.Summary}");
        }

        await changeStatus.HandleAsync(job.Value.Id, orgId, JobAction.Launch, ct);
    }
}
