using LabelPlatform.Accounts;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>What a worker does in the workspace, and what the database then holds, in test-sized steps.</summary>
public static class QueueSteps
{
    public static Task<Result<Claim>> ClaimAsync(this LabelPlatformFactory factory, Job job, AppUser worker) =>
        factory.Services.GetRequiredService<ClaimNextItem>().HandleAsync(job.Id, worker.Id);

    public static Task<Result<SubmitOutcome>> SubmitAsync(this LabelPlatformFactory factory, Claim claim, AppUser worker, string label) =>
        factory.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, worker.Id, Answer.OneLabel(label));

    /// <summary>Claims the next item and answers it; fails the test if either step fails.</summary>
    public static async Task<Claim> AnswerNextAsync(this LabelPlatformFactory factory, Job job, AppUser worker, string label)
    {
        var claim = await factory.ClaimAsync(job, worker);
        Assert.True(claim.IsSuccess, claim.Error?.Message);
        var submitted = await factory.SubmitAsync(claim.Value!, worker, label);
        Assert.True(submitted.IsSuccess, submitted.Error?.Message);
        return claim.Value!;
    }

    public static async Task<List<Item>> ItemsAsync(this LabelPlatformFactory factory, Guid jobId)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Items.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.Ordinal).ToListAsync();
    }

    public static async Task<List<Assignment>> AssignmentsAsync(this LabelPlatformFactory factory, Guid jobId)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Assignments.AsNoTracking().Where(a => a.JobId == jobId).ToListAsync();
    }

    public static async Task<Assignment> AssignmentAsync(this LabelPlatformFactory factory, Guid assignmentId)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Assignments.AsNoTracking().SingleAsync(a => a.Id == assignmentId);
    }

    /// <summary>Answers stored for an item: what a double submit must not inflate.</summary>
    public static async Task<int> SubmittedCountAsync(this LabelPlatformFactory factory, Guid itemId)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Assignments.CountAsync(a => a.ItemId == itemId && a.Status == AssignmentStatus.Submitted);
    }

    public static async Task<Item> ItemAsync(this LabelPlatformFactory factory, Guid itemId)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Items.AsNoTracking().SingleAsync(i => i.Id == itemId);
    }

    public static async Task<JobStatus> JobStatusAsync(this LabelPlatformFactory factory, Guid jobId)
    {
        await using var db = factory.Database.CreateContext();
        return await db.Jobs.Where(j => j.Id == jobId).Select(j => j.Status).SingleAsync();
    }

    /// <summary>Makes a lease run out as if its time had passed.</summary>
    public static async Task ExpireLeaseAsync(this LabelPlatformFactory factory, Guid assignmentId)
    {
        await using var db = factory.Database.CreateContext();
        var past = DateTimeOffset.UtcNow.AddMinutes(-1);
        var rows = await db.Database.ExecuteSqlAsync($"UPDATE assignments SET lease_expires_at = {past} WHERE id = {assignmentId}");
        Assert.Equal(1, rows);
    }
}
