using global::Stripe;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

/// <summary>
/// A paid Checkout session credits the organisation that started it, with what Stripe says was paid.
/// A session paid by a delayed method (a bank debit) completes unpaid; it is credited on its later
/// <c>async_payment_succeeded</c> event instead.
/// </summary>
public class CheckoutCompleted(ILogger<CheckoutCompleted> logger) : IStripeEventHandler
{
    private static readonly string CompleteSql = Sql.Named("Billing/Webhooks/CheckoutCompleted.sql", "Complete");

    public virtual string EventType => "checkout.session.completed";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not global::Stripe.Checkout.Session session || session.PaymentStatus != "paid")
        {
            return;
        }

        await using var complete = Sql.Command(connection, tx, CompleteSql, session.Id, now, (object?)session.PaymentIntentId ?? DBNull.Value);
        await using var reader = await complete.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            logger.LogWarning("Checkout session {Session} is not one of ours or was credited already", session.Id);
            return;
        }

        var (organisationId, amount, currency) = (reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2));
        await reader.CloseAsync();
        if (session.AmountTotal is { } paid && paid != amount)
        {
            // Stripe's figure is what the card was charged; credit that, and say so.
            logger.LogWarning("Checkout session {Session} was for {Expected} but Stripe reports {Paid}; crediting what was paid", session.Id, amount, paid);
            amount = paid;
        }

        await LedgerWriter.PostAsync(connection, tx, Postings.Funding(organisationId, currency, amount, session.Id), now, ct);
    }
}

/// <summary>The delayed payment of a Checkout session went through: credited as a paid session is.</summary>
public sealed class CheckoutAsyncPaymentSucceeded(ILogger<CheckoutCompleted> logger) : CheckoutCompleted(logger)
{
    public override string EventType => "checkout.session.async_payment_succeeded";
}
