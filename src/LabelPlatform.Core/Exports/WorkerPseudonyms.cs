using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Exports;

/// <summary>
/// What researchers see instead of a worker's account id: the same worker has the same pseudonym in
/// all of one organisation's jobs (so their answers can be studied together) and another one in every
/// other organisation's, and it leads back to no account.
/// </summary>
public static class WorkerPseudonyms
{
    public static string For(Guid organisationId, string workerId) =>
        "w_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{organisationId:N}:{workerId}")))[..16];
}

/// <summary>The worker behind a pseudonym, among those who answered one of the organisation's jobs (to pay them a bonus over the API).</summary>
public sealed class JobWorkerPseudonyms(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<string?> WorkerAsync(Guid jobId, Guid organisationId, string pseudonym, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var workers = await db.Assignments
            .Where(a => a.JobId == jobId && a.Status == Jobs.AssignmentStatus.Submitted && db.Jobs.Any(j => j.Id == jobId && j.OrganisationId == organisationId))
            .Select(a => a.WorkerId).Distinct().ToListAsync(ct);
        return workers.FirstOrDefault(w => WorkerPseudonyms.For(organisationId, w) == pseudonym);
    }
}
