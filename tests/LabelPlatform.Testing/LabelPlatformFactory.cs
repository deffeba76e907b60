using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Gold;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LabelPlatform.Testing;

/// <summary>
/// The real web app on a real database, with intent methods for the steps tests repeat.
/// Background servers are off so tests decide when background work runs.
/// </summary>
public class LabelPlatformFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "correct-horse-battery";

    public TestDatabase Database { get; } = new();

    public string StorageRoot { get; } = Directory.CreateTempSubdirectory("lp-items-").FullName;

    public virtual async Task InitializeAsync() => await Database.InitializeAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Default", Database.ConnectionString);
        builder.UseSetting("Storage:Root", StorageRoot);
        builder.UseSetting("BackgroundJobs:Enabled", "false");
        builder.UseSetting("Auth:RequireSecureCookies", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");

        // Every test request comes from one address; the rate-limit tests set their own limits.
        builder.UseSetting("RateLimits:SignInPerMinute", "100000");
        builder.UseSetting("RateLimits:SignUpPerHour", "100000");
        builder.UseSetting("RateLimits:ExportsPerMinute", "100000");
        builder.UseSetting("RateLimits:ConnectionsPerMinute", "100000");
        builder.UseSetting("RateLimits:UploadsPerHour", "100000");
        builder.UseSetting("RateLimits:ApiPerMinute", "100000");
        // Mail goes to the test process's SMTP sink, where tests read it.
        builder.UseSetting("Email:SmtpHost", "127.0.0.1");
        builder.UseSetting("Email:SmtpPort", MailSink.Shared.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Email:Security", "None");
        builder.UseSetting("Email:PublicBaseUrl", "http://localhost");
        // Tests' workers take work at once; the confirmation tests turn this on.
        builder.UseSetting("Accounts:RequireConfirmedEmail", "false");
        builder.UseSetting("RateLimits:ModelUploadsPerHour", "100000");
        // Webhooks go to receivers the tests start on 127.0.0.1, over http; tests run the sender's rounds themselves.
        builder.UseSetting("Webhooks:AllowPrivateAddresses", "true");
        builder.UseSetting("Webhooks:RequireHttps", "false");
        builder.UseSetting("Webhooks:Dispatch", "false");
    }

    public async Task<AppUser> SignUpAsync(AccountKind kind, string? email = null)
    {
        await using var scope = Services.CreateAsyncScope();
        email ??= $"{kind.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var result = await scope.ServiceProvider.GetRequiredService<SignUp>().HandleAsync(
            new SignUpRequest(email, Password, $"Test {kind}", kind, kind == AccountKind.Researcher ? "Test Lab" : null));
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    public async Task<Job> CreateJobAsync(
        AppUser researcher, int answersPerItem = 2, IReadOnlyList<string>? labels = null, long price = 5, TaskKind kind = TaskKind.ImageClassification,
        QualityPolicy? quality = null)
    {
        // Fixed overlap unless a test asks otherwise: queue, billing and review tests count on every item taking exactly its answers.
        var draft = new JobDraft("Test job", "Pick the right label.", labels ?? ["cat", "dog", "bird"], answersPerItem, price, Kind: kind, Quality: quality ?? QualityPolicy.FixedOverlap);
        var result = await Services.GetRequiredService<CreateJob>().HandleAsync(draft, researcher.OrganisationId!.Value, researcher.Id);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    public async Task<ImportReport> ImportAsync(Job job, Stream zip)
    {
        var result = await Services.GetRequiredService<ZipImporter>().ImportAsync(job.Id, job.OrganisationId, zip);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    /// <summary>A running job with <paramref name="items"/> images.</summary>
    public async Task<Job> CreateRunningJobAsync(AppUser researcher, int items, int answersPerItem = 2)
    {
        var job = await CreateJobAsync(researcher, answersPerItem);
        using var zip = TestZips.Images(items);
        var report = await ImportAsync(job, zip);
        Assert.True(report.Succeeded, report.Summary);
        await LaunchAsync(job);
        return job;
    }

    /// <summary>Credits the organisation by hand (as an admin would for an invoiced customer).</summary>
    public async Task FundAsync(Guid organisationId, long amount = 100_000_00, string currency = "USD")
    {
        var credited = await Services.GetRequiredService<CreditOrganisation>()
            .HandleAsync(organisationId, amount, currency, "Test credit", "test-admin", Guid.NewGuid());
        Assert.True(credited.IsSuccess, credited.Error?.Message);
    }

    /// <summary>Funds the organisation of the job (by id) generously, so its Launch button works.</summary>
    public async Task FundJobAsync(Guid jobId)
    {
        await using var db = await Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.AppDbContext>>().CreateDbContextAsync();
        var job = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Jobs, j => j.Id == jobId);
        await FundAsync(job.OrganisationId, currency: job.Currency);
    }

    /// <summary>Funds the job's organisation generously, then launches it (its budget goes to escrow).</summary>
    public async Task<JobStatus> LaunchAsync(Job job)
    {
        await FundAsync(job.OrganisationId, currency: job.Currency);
        var launched = await Services.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, job.OrganisationId, JobAction.Launch);
        Assert.True(launched.IsSuccess, launched.Error?.Message);
        job.Status = launched.Value;
        return launched.Value;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(StorageRoot, recursive: true);
    }
}
