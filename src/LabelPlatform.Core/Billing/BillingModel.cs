using LabelPlatform.Accounts;
using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Billing;

/// <summary>
/// The billing tables. The rules the database itself enforces (entries balance, entries are never
/// changed, tracked balances never go negative) are written by the migration as triggers; see ADR 0013.
/// </summary>
internal static class BillingModel
{
    public static void ConfigureBilling(this ModelBuilder builder)
    {
        builder.Entity<LedgerAccount>(e =>
        {
            e.ToTable("ledger_accounts", t => t.HasCheckConstraint("ck_ledger_accounts_balance_not_negative", "balance IS NULL OR balance >= 0"));
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.Kind).HasConversion<string>().HasMaxLength(30);
            e.Property(a => a.Owner).HasMaxLength(450);
            e.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
            e.HasIndex(a => new { a.Kind, a.Owner, a.Currency }).IsUnique();
        });

        builder.Entity<LedgerTransaction>(e =>
        {
            e.ToTable("ledger_transactions");
            e.Property(t => t.IdempotencyKey).HasMaxLength(200);
            e.HasIndex(t => t.IdempotencyKey).IsUnique();
            e.Property(t => t.Kind).HasConversion<string>().HasMaxLength(30);
            e.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(t => t.WorkerId).HasMaxLength(450);
            e.Property(t => t.Memo).HasMaxLength(500);
            e.Property(t => t.CreatedBy).HasMaxLength(450);
            e.HasIndex(t => new { t.WorkerId, t.CreatedAt });
            e.HasIndex(t => new { t.JobId, t.Kind });
            e.HasIndex(t => t.PayoutId);
        });

        builder.Entity<LedgerEntry>(e =>
        {
            e.ToTable("ledger_entries");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
            // No foreign keys: the insert trigger checks that each entry's account exists (and its currency) once
            // per account, not once per entry with a share lock on hot rows as a foreign key would.
            e.HasIndex(x => x.TransactionId);
            e.HasIndex(x => x.AccountId).IncludeProperties(x => x.Amount);
        });

        builder.Entity<LedgerEarning>(e =>
        {
            e.ToTable("ledger_earnings");
            e.HasKey(x => x.AssignmentId);
            e.Property(x => x.WorkerId).HasMaxLength(450);
            e.HasIndex(x => x.TransactionId);
        });

        builder.Entity<PayoutAccount>(e =>
        {
            e.ToTable("payout_accounts");
            e.HasKey(a => a.WorkerId);
            e.HasOne<AppUser>().WithOne().HasForeignKey<PayoutAccount>(a => a.WorkerId).OnDelete(DeleteBehavior.Restrict);
            e.Property(a => a.StripeAccountId).HasMaxLength(100);
            e.HasIndex(a => a.StripeAccountId).IsUnique();
            e.Property(a => a.Requirements).HasMaxLength(1000);
            e.Property(a => a.Country).HasMaxLength(2).IsFixedLength();
        });

        builder.Entity<BillingAlert>(e =>
        {
            e.ToTable("billing_alerts");
            e.Property(a => a.Id).UseIdentityAlwaysColumn();
            e.Property(a => a.Kind).HasMaxLength(50);
            e.Property(a => a.Message).HasMaxLength(1000);
            e.Property(a => a.DismissedBy).HasMaxLength(450);
            e.HasIndex(a => a.CreatedAt).HasFilter("dismissed_at IS NULL").HasDatabaseName("ix_billing_alerts_open");
        });

        builder.Entity<Payout>(e =>
        {
            e.ToTable("payouts");
            e.HasOne<AppUser>().WithMany().HasForeignKey(p => p.WorkerId).OnDelete(DeleteBehavior.Restrict);
            e.Property(p => p.StripeAccountId).HasMaxLength(100);
            e.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(p => p.IdempotencyKey).HasMaxLength(200);
            e.HasIndex(p => p.IdempotencyKey).IsUnique();
            e.Property(p => p.StripeTransferId).HasMaxLength(100);
            e.HasIndex(p => p.StripeTransferId).IsUnique();
            e.Property(p => p.FailureReason).HasMaxLength(500);
            e.HasIndex(p => new { p.WorkerId, p.CreatedAt });

            // One payout in flight per worker and currency: two settlement runs cannot both start one.
            e.HasIndex(p => new { p.WorkerId, p.Currency }).IsUnique().HasFilter("status = 'Pending'").HasDatabaseName("ix_payouts_one_pending");
            e.HasIndex(p => p.CreatedAt).HasFilter("status = 'Pending'").HasDatabaseName("ix_payouts_pending");
        });

        builder.Entity<CheckoutSession>(e =>
        {
            e.ToTable("checkout_sessions");
            e.Property(s => s.Id).HasMaxLength(200);
            e.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.Property(s => s.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(s => s.Status).HasMaxLength(20);
            e.Property(s => s.CreatedBy).HasMaxLength(450);
            e.HasIndex(s => new { s.OrganisationId, s.CreatedAt });
            e.Property(s => s.PaymentIntent).HasMaxLength(200);
            e.HasIndex(s => s.PaymentIntent).IsUnique();
        });

        builder.Entity<Refund>(e =>
        {
            e.ToTable("refunds", t => t.HasCheckConstraint("ck_refunds_amount_positive", "amount > 0"));
            e.Property(r => r.Id).ValueGeneratedNever();
            e.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<CheckoutSession>().WithMany().HasForeignKey(r => r.CheckoutSessionId).OnDelete(DeleteBehavior.Restrict);
            e.Property(r => r.PaymentIntent).HasMaxLength(200);
            e.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.StripeRefundId).HasMaxLength(100);
            e.HasIndex(r => r.StripeRefundId).IsUnique();
            e.Property(r => r.FailureReason).HasMaxLength(500);
            e.Property(r => r.RequestedBy).HasMaxLength(450);
            e.HasIndex(r => new { r.OrganisationId, r.CreatedAt });
            e.HasIndex(r => new { r.RequestId, r.CheckoutSessionId }).IsUnique();
            e.HasIndex(r => r.CreatedAt).HasFilter("status = 'Pending'").HasDatabaseName("ix_refunds_pending");
        });

        builder.Entity<Dispute>(e =>
        {
            e.ToTable("disputes");
            e.Property(d => d.Id).HasMaxLength(100);
            e.HasOne<Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.Property(d => d.CheckoutSessionId).HasMaxLength(200);
            e.Property(d => d.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(d => d.Reason).HasMaxLength(100);
            e.HasIndex(d => new { d.Status, d.CreatedAt });
        });

        builder.Entity<StripeEvent>(e =>
        {
            e.ToTable("stripe_events");
            e.Property(s => s.Id).HasMaxLength(200);
            e.Property(s => s.Type).HasMaxLength(100);
        });
    }
}
