using LabelPlatform.Billing.Stripe;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Billing.Funding;

/// <summary>A researcher starts a card top-up: a Stripe Checkout session; the funds arrive with its webhook.</summary>
public sealed class AddFunds(IDbContextFactory<AppDbContext> dbFactory, IStripeGateway stripe, IOptions<StripeOptions> stripeOptions, TimeProvider clock)
{
    public const long Minimum = 5_00;
    public const long Maximum = 100_000_00;

    public async Task<Result<CheckoutStarted>> HandleAsync(Guid organisationId, string userId, long amount, string currency, CancellationToken ct = default)
    {
        if (amount is < Minimum or > Maximum)
        {
            return Error.Validation($"Add between {MoneyFormat.Format(Minimum, currency)} and {MoneyFormat.Format(Maximum, currency)}.");
        }

        if (!JobRules.Currencies.Contains(currency))
        {
            return Error.Validation($"Funds are kept in {string.Join(", ", JobRules.Currencies)}; {currency} is not one of them.");
        }

        if (!stripeOptions.Value.IsConfigured)
        {
            return Error.Conflict("Card payments are not configured on this platform (Stripe:SecretKey). Ask an admin to credit your organisation.");
        }

        var site = stripeOptions.Value.SiteUrl;
        CheckoutStarted started;
        try
        {
            started = await stripe.CreateCheckoutAsync(organisationId, amount, currency,
                $"{site}/billing?checkout={{CHECKOUT_SESSION_ID}}", $"{site}/billing?checkout=cancelled", $"checkout:{Guid.NewGuid()}", ct);
        }
        catch (Exception e) when (StripeErrors.IsStripeFailure(e) && !ct.IsCancellationRequested)
        {
            return StripeErrors.ForPerson(e, "starting your card payment");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.CheckoutSessions.Add(new CheckoutSession
        {
            Id = started.Id,
            OrganisationId = organisationId,
            Amount = amount,
            Currency = currency,
            CreatedBy = userId,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return started;
    }
}
