using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Billing.Funding;

/// <summary>Where an organisation's own checkout session stands (null: not theirs, or unknown).</summary>
public sealed class CheckoutStatus(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<string?> HandleAsync(string sessionId, Guid? organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CheckoutSessions.Where(s => s.Id == sessionId && s.OrganisationId == organisationId).Select(s => s.Status).FirstOrDefaultAsync(ct);
    }
}
