using global::Stripe;
using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

/// <summary>
/// A Checkout session that ended without money: it expired unpaid (<c>checkout.session.expired</c>) or its delayed
/// payment failed (<c>checkout.session.async_payment_failed</c>). Our record of it is closed so nobody waits for
/// funds that will not come. Only an open session changes: a duplicate, or an event after the session was credited,
/// leaves it as it is.
/// </summary>
public class CheckoutExpired : IStripeEventHandler
{
    private static readonly string CloseSql = Sql.Named("Billing/Webhooks/CheckoutClosed.sql", "Close");

    public virtual string EventType => "checkout.session.expired";

    protected virtual string ClosedStatus => "Expired";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is global::Stripe.Checkout.Session session)
        {
            await Sql.ExecuteAsync(connection, tx, CloseSql, ct, session.Id, ClosedStatus, now);
        }
    }
}

/// <summary>The delayed payment of a completed Checkout session failed: closed as failed, nothing credited.</summary>
public sealed class CheckoutAsyncPaymentFailed : CheckoutExpired
{
    public override string EventType => "checkout.session.async_payment_failed";

    protected override string ClosedStatus => "Failed";
}
