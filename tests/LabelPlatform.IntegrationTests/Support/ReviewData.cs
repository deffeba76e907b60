using System.Globalization;
using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Demo;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using LabelPlatform.Web.Seed;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>A digits job with the demo's review model, its items in upload order with their true digit.</summary>
public sealed record DigitsJob(Job Job, IReadOnlyList<(Guid ItemId, int Truth)> Items, Guid ModelId);

/// <summary>Review setups: the demo digits and their model, and many submitted answers written straight into the database.</summary>
public static class ReviewData
{
    public static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static string SeedData(string name) => Path.Combine(AppContext.BaseDirectory, "SeedData", name);

    /// <summary>A running job of the first <paramref name="count"/> demo digits, one answer per item, with the digits model and no audit sample.</summary>
    public static async Task<DigitsJob> CreateDigitsJobAsync(this LabelPlatformFactory factory, AppUser researcher, int count)
    {
        var digits = DigitImages.Read(SeedData("digits.csv.gz")).Take(count).ToList();
        var job = await factory.CreateJobAsync(researcher, answersPerItem: 1, labels: Digits);
        using (var zip = DigitImages.ZipOf(digits, count))
        {
            var report = await factory.ImportAsync(job, zip);
            Assert.True(report.Succeeded, report.Summary);
        }

        await factory.LaunchAsync(job);
        var model = await factory.Services.GetRequiredService<RegisterModel>()
            .HandleAsync(job.Id, job.OrganisationId, researcher.Id, "digits-mlp.onnx", File.ReadAllBytes(SeedData("models/digits-mlp.onnx")), DemoSeeder.DigitsModel);
        Assert.True(model.IsSuccess, model.Error?.Message);
        Assert.Null(await factory.Services.GetRequiredService<SetReviewPolicy>().HandleAsync(job.Id, job.OrganisationId, ReviewPolicy.Default with { AuditShare = 0 }));

        var items = await factory.ItemsAsync(job.Id);
        return new DigitsJob(job, items.Select((item, i) => (item.Id, digits[i].Label)).ToList(), model.Value!.Id);
    }

    /// <summary>
    /// Submitted one-label answers waiting for the model (review state Pending, as a submit leaves
    /// them), one millisecond apart in the given order from <paramref name="submittedFrom"/> (an
    /// hour ago unless given); returns their assignment ids in that order.
    /// </summary>
    public static async Task<Guid[]> InsertSubmissionsAsync(
        this LabelPlatformFactory factory, Guid jobId, IReadOnlyList<(Guid ItemId, string WorkerId, string Label)> answers, DateTimeOffset? submittedFrom = null)
    {
        var ids = answers.Select(_ => Guid.CreateVersion7()).ToArray();
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using var insert = new NpgsqlCommand(
            """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS t(id, item_id, worker_id, label, answer, n)
            ), taken AS (
                UPDATE items SET remaining_slots = items.remaining_slots - c.slots
                FROM (SELECT item_id, count(*)::int AS slots FROM input GROUP BY item_id) c WHERE items.id = c.item_id
            )
            INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at, submitted_at, label, answer, review_state)
            SELECT id, $6, item_id, worker_id, 'Submitted', $7, now() + interval '1 hour', $7 + n * interval '1 millisecond', label, answer, 'Pending'
            FROM input
            """,
            connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = ids });
        insert.Parameters.Add(new NpgsqlParameter { Value = answers.Select(a => a.ItemId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = answers.Select(a => a.WorkerId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = answers.Select(a => a.Label).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = answers.Select(a => Answer.OneLabel(a.Label).ToJson()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new NpgsqlParameter { Value = jobId });
        insert.Parameters.Add(new NpgsqlParameter { Value = submittedFrom ?? DateTimeOffset.UtcNow.AddHours(-1), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        Assert.Equal(answers.Count, await insert.ExecuteNonQueryAsync());
        return ids;
    }

    /// <summary>Runs review batches in this process until nothing waits.</summary>
    public static async Task ReviewEverythingAsync(this LabelPlatformFactory factory)
    {
        var review = factory.Services.GetRequiredService<ReviewPending>();
        while (await review.RunOnceAsync() > 0)
        {
        }
    }

    /// <summary>A signed-in user as the app sees them: an id and roles.</summary>
    public static ClaimsPrincipal Principal(string userId, params string[] roles) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

    public static string Wrong(int truth) => ((truth + 1) % 10).ToString(CultureInfo.InvariantCulture);

    public static string Right(int truth) => truth.ToString(CultureInfo.InvariantCulture);
}
