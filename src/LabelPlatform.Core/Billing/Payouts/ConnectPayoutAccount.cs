using LabelPlatform.Billing.Stripe;
using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Billing.Payouts;

/// <summary>
/// A worker connects (or finishes connecting) a Stripe Connect Express account: the account is made
/// once by API, in the country the worker lives in (Stripe cannot move an account between countries)
/// and with their email only when we know it, and each call returns a fresh onboarding link, as
/// Stripe's links are single-use.
/// </summary>
public sealed class ConnectPayoutAccount(IDbContextFactory<AppDbContext> dbFactory, IStripeGateway stripe, IOptions<StripeOptions> stripeOptions, TimeProvider clock)
{
    /// <param name="country">Where the worker lives (ISO 3166-1 alpha-2); needed for a new account, ignored once one exists.</param>
    public async Task<Result<string>> HandleAsync(string workerId, string? country, CancellationToken ct = default)
    {
        if (!stripeOptions.Value.IsConfigured)
        {
            return Error.Conflict("Payouts are not configured on this platform yet (Stripe:SecretKey).");
        }

        try
        {
            return await ConnectAsync(workerId, country?.Trim().ToUpperInvariant(), ct);
        }
        catch (Exception e) when (StripeErrors.IsStripeFailure(e) && !ct.IsCancellationRequested)
        {
            return StripeErrors.ForPerson(e, "opening your payout account");
        }
    }

    private async Task<Result<string>> ConnectAsync(string workerId, string? country, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var worker = await db.Users.SingleOrDefaultAsync(u => u.Id == workerId, ct);
        if (worker is null)
        {
            return Error.NotFound("The worker");
        }

        var account = await db.PayoutAccounts.SingleOrDefaultAsync(a => a.WorkerId == workerId, ct);
        if (account is null)
        {
            if (country is null || !PayoutCountries.Names.ContainsKey(country))
            {
                return Error.Validation("Choose the country you live in: Stripe opens your payout account there, and it cannot be moved later.");
            }

            // Keyed by the worker and country: two clicks make one Stripe account.
            var created = await stripe.CreateExpressAccountAsync(country, worker.Email, $"account:{workerId}:{country}", ct);
            account = new PayoutAccount { WorkerId = workerId, StripeAccountId = created.Id, Country = country, CreatedAt = clock.GetUtcNow() };
            Apply(account, created, clock.GetUtcNow());
            db.PayoutAccounts.Add(account);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                account = await db.PayoutAccounts.SingleAsync(a => a.WorkerId == workerId, ct);
            }
        }

        var site = stripeOptions.Value.SiteUrl;
        return await stripe.CreateOnboardingLinkAsync(account.StripeAccountId, $"{site}/work/earnings?connect=refresh", $"{site}/work/earnings?connect=done", ct);
    }

    public static void Apply(PayoutAccount account, ConnectedAccount stripeAccount, DateTimeOffset now)
    {
        account.PayoutsEnabled = stripeAccount.PayoutsEnabled;
        account.Requirements = stripeAccount.Requirements.Length <= 1000 ? stripeAccount.Requirements : stripeAccount.Requirements[..1000];
        account.UpdatedAt = now;
        account.StripeStateAt = now;
    }
}

/// <summary>Reads the worker's account from Stripe again (on return from onboarding; webhooks do the same).</summary>
public sealed class RefreshPayoutAccount(IDbContextFactory<AppDbContext> dbFactory, IStripeGateway stripe, TimeProvider clock)
{
    public async Task<PayoutAccount?> HandleAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.PayoutAccounts.SingleOrDefaultAsync(a => a.WorkerId == workerId, ct);
        if (account is null)
        {
            return null;
        }

        ConnectPayoutAccount.Apply(account, await stripe.GetAccountAsync(account.StripeAccountId, ct), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return account;
    }
}
