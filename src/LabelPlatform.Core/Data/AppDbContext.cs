using LabelPlatform.Accounts;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Examples;
using LabelPlatform.Labelling.Drafts;
using LabelPlatform.Queue;
using LabelPlatform.Queue.Report;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<Item> Items => Set<Item>();

    public DbSet<Assignment> Assignments => Set<Assignment>();

    public DbSet<Draft> Drafts => Set<Draft>();

    public DbSet<JobExample> JobExamples => Set<JobExample>();

    public DbSet<ReviewModel> ReviewModels => Set<ReviewModel>();

    public DbSet<Verdict> Verdicts => Set<Verdict>();

    public DbSet<Review.Prefilter.PrefilterRun> PrefilterRuns => Set<Review.Prefilter.PrefilterRun>();

    public DbSet<Quality.Gold.WorkerJobQuality> WorkerJobQuality => Set<Quality.Gold.WorkerJobQuality>();

    public DbSet<Quality.Gold.ReviewerQuality> ReviewerQuality => Set<Quality.Gold.ReviewerQuality>();

    public DbSet<ItemReport> ItemReports => Set<ItemReport>();

    public DbSet<Review.Batches.ReviewBatch> ReviewBatches => Set<Review.Batches.ReviewBatch>();

    public DbSet<Review.Batches.ReviewDecision> ReviewDecisions => Set<Review.Batches.ReviewDecision>();

    public DbSet<Review.Disputes.ReviewDispute> ReviewDisputes => Set<Review.Disputes.ReviewDispute>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Accounts.SignIn.SignInThrottle> SignInThrottles => Set<Accounts.SignIn.SignInThrottle>();

    public DbSet<Billing.Ledger.LedgerAccount> LedgerAccounts => Set<Billing.Ledger.LedgerAccount>();

    public DbSet<Billing.Ledger.LedgerTransaction> LedgerTransactions => Set<Billing.Ledger.LedgerTransaction>();

    public DbSet<Billing.Ledger.LedgerEntry> LedgerEntries => Set<Billing.Ledger.LedgerEntry>();

    public DbSet<Billing.Ledger.LedgerEarning> LedgerEarnings => Set<Billing.Ledger.LedgerEarning>();

    public DbSet<Billing.Payouts.PayoutAccount> PayoutAccounts => Set<Billing.Payouts.PayoutAccount>();

    public DbSet<Billing.Payouts.Payout> Payouts => Set<Billing.Payouts.Payout>();

    public DbSet<Billing.Funding.CheckoutSession> CheckoutSessions => Set<Billing.Funding.CheckoutSession>();

    public DbSet<Billing.Webhooks.StripeEvent> StripeEvents => Set<Billing.Webhooks.StripeEvent>();

    public DbSet<Billing.Alerts.BillingAlert> BillingAlerts => Set<Billing.Alerts.BillingAlert>();

    public DbSet<Billing.Funding.Refund> Refunds => Set<Billing.Funding.Refund>();

    public DbSet<Billing.Funding.Dispute> Disputes => Set<Billing.Funding.Dispute>();

    public DbSet<Accounts.ApiKeys.ApiKey> ApiKeys => Set<Accounts.ApiKeys.ApiKey>();

    public DbSet<Accounts.ApiKeys.IdempotentRequest> IdempotentRequests => Set<Accounts.ApiKeys.IdempotentRequest>();

    public DbSet<Exports.Files.ExportFile> ExportFiles => Set<Exports.Files.ExportFile>();

    public DbSet<Common.Events.OrganisationEvent> OrganisationEvents => Set<Common.Events.OrganisationEvent>();

    public DbSet<Webhooks.WebhookEndpoint> WebhookEndpoints => Set<Webhooks.WebhookEndpoint>();

    public DbSet<Webhooks.WebhookDelivery> WebhookDeliveries => Set<Webhooks.WebhookDelivery>();

    public DbSet<Webhooks.WebhookAttempt> WebhookAttempts => Set<Webhooks.WebhookAttempt>();

    public DbSet<Webhooks.WebhookBalanceAlert> WebhookBalanceAlerts => Set<Webhooks.WebhookBalanceAlert>();

    public DbSet<Webhooks.WebhookGoldPoolWatch> WebhookGoldPoolWatches => Set<Webhooks.WebhookGoldPoolWatch>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        Billing.BillingModel.ConfigureBilling(builder);

        // Roles are reference data: they exist wherever the schema does.
        builder.Entity<IdentityRole>().HasData(Accounts.Roles.All.Select(r => new IdentityRole(r)
        {
            Id = $"role-{r.ToLowerInvariant()}",
            NormalizedName = r.ToUpperInvariant(),
            ConcurrencyStamp = $"role-{r.ToLowerInvariant()}",
        }));

        builder.Entity<Accounts.SignIn.SignInThrottle>(e =>
        {
            e.HasKey(t => t.Key);
            e.Property(t => t.Key).HasMaxLength(64);
        });

        builder.Entity<Organisation>(e =>
        {
            e.Property(o => o.Name).HasMaxLength(200);
        });

        builder.Entity<Accounts.ApiKeys.ApiKey>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(k => k.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AppUser>().WithMany().HasForeignKey(k => k.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
            e.Property(k => k.Name).HasMaxLength(Accounts.ApiKeys.ApiKey.MaxNameLength);
            e.Property(k => k.Hint).HasMaxLength(16);
            e.Property(k => k.SecretHash).HasMaxLength(64).IsFixedLength();
            e.Property(k => k.Scope).HasConversion<string>().HasMaxLength(10);
            // Every API request looks its key up by the secret's hash.
            e.HasIndex(k => k.SecretHash).IsUnique();
            e.HasIndex(k => new { k.OrganisationId, k.CreatedAt });
        });

        builder.Entity<Accounts.ApiKeys.IdempotentRequest>(e =>
        {
            e.HasKey(r => new { r.OrganisationId, r.Key });
            e.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.Property(r => r.Key).HasMaxLength(Accounts.ApiKeys.IdempotentRequest.MaxKeyLength);
            e.Property(r => r.RequestHash).HasMaxLength(64).IsFixedLength();
            e.Property(r => r.ResponseBody).HasMaxLength(64 * 1024);
            e.Property(r => r.Location).HasMaxLength(300);
        });

        builder.Entity<Exports.Files.ExportFile>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(f => f.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(f => f.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.Property(f => f.Format).HasConversion<string>().HasMaxLength(10);
            e.Property(f => f.Status).HasConversion<string>().HasMaxLength(10);
            e.Property(f => f.Options).HasColumnType("jsonb");
            e.Property(f => f.StorageKey).HasMaxLength(200);
            e.Property(f => f.FileName).HasMaxLength(200);
            e.Property(f => f.Error).HasMaxLength(2000);
            e.Property(f => f.RequestedByUserId).HasMaxLength(450);
            e.HasIndex(f => new { f.JobId, f.CreatedAt });
            // The hourly sweep reads only kept files.
            e.HasIndex(f => f.ExpiresAt).HasFilter("status = 'Ready'");
        });

        builder.Entity<Common.Events.OrganisationEvent>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(v => v.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.Property(v => v.Type).HasMaxLength(40);
            e.Property(v => v.Data).HasColumnType("jsonb");
            e.HasIndex(v => v.EventId).IsUnique();
            // The sender reads only what it has not fanned out yet.
            e.HasIndex(v => v.Id).HasFilter("fanned_out_at IS NULL").HasDatabaseName("ix_organisation_events_pending");
        });

        builder.Entity<Webhooks.WebhookEndpoint>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(w => w.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AppUser>().WithMany().HasForeignKey(w => w.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
            e.Property(w => w.Url).HasMaxLength(Webhooks.WebhookEndpoint.MaxUrlLength);
            e.Property(w => w.Description).HasMaxLength(Webhooks.WebhookEndpoint.MaxDescriptionLength);
            e.Property(w => w.SecretHint).HasMaxLength(20);
            e.HasIndex(w => w.OrganisationId);
        });

        builder.Entity<Webhooks.WebhookDelivery>(e =>
        {
            e.HasOne<Webhooks.WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
            e.Property(d => d.EventType).HasMaxLength(40);
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(10);
            e.Property(d => d.LastError).HasMaxLength(1000);
            e.HasIndex(d => new { d.EndpointId, d.Id });
            // The sender's look for due tries.
            e.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'Pending'");
            e.HasIndex(d => d.CreatedAt);
        });

        builder.Entity<Webhooks.WebhookAttempt>(e =>
        {
            e.HasOne<Webhooks.WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
            e.Property(a => a.Error).HasMaxLength(1000);
            e.Property(a => a.ResponseExcerpt).HasMaxLength(Webhooks.WebhookAttempt.MaxExcerptLength);
            e.HasIndex(a => a.DeliveryId);
        });

        builder.Entity<Webhooks.WebhookBalanceAlert>(e =>
        {
            e.HasKey(a => a.OrganisationId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        });

        builder.Entity<Webhooks.WebhookGoldPoolWatch>(e =>
        {
            e.HasKey(w => w.JobId);
            e.HasOne<Job>().WithMany().HasForeignKey(w => w.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AppUser>(e =>
        {
            e.Property(u => u.DisplayName).HasMaxLength(100);
            e.HasOne(u => u.Organisation).WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Job>(e =>
        {
            e.Property(j => j.Name).HasMaxLength(JobRules.MaxNameLength);
            e.Property(j => j.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(j => j.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(j => j.Kind).HasConversion<string>().HasMaxLength(40);
            e.HasOne<Organisation>().WithMany().HasForeignKey(j => j.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(j => new { j.OrganisationId, j.CreatedAt });
            e.HasIndex(j => j.Status);
            e.Property(j => j.LeaseMinutes).HasDefaultValue(JobRules.DefaultLeaseMinutes);
            e.Property(j => j.MinBoxSize).HasDefaultValue(JobRules.DefaultMinBoxSize);
            e.Property(j => j.MaxBoxes).HasDefaultValue(JobRules.DefaultMaxBoxes);
            e.Property(j => j.RejectionReasons).HasDefaultValueSql("ARRAY['Wrong label', 'Box missing or misplaced', 'Did not follow the instructions']::text[]");
            e.Property(j => j.ReviewPolicy).HasColumnType("jsonb").HasConversion(policy => policy.ToJson(), json => ReviewPolicy.FromJson(json));
            e.Property(j => j.ModelCalibration).HasColumnType("jsonb");
            e.Property(j => j.QualityPolicy).HasColumnType("jsonb").HasConversion(policy => policy.ToJson(), json => Quality.Gold.QualityPolicy.FromJson(json));
            e.ToTable(t =>
            {
                t.HasCheckConstraint("ck_jobs_answers_per_item", "answers_per_item > 0");
                t.HasCheckConstraint("ck_jobs_price_per_answer", "price_per_answer > 0");
                t.HasCheckConstraint("ck_jobs_lease_minutes", "lease_minutes > 0");
            });
        });

        builder.Entity<Item>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(i => new { i.JobId, i.Ordinal }).IsUnique();

            // Claims read only this: open items, those under way first. Finished items leave it, so history never slows a claim.
            e.HasIndex(i => new { i.JobId, i.RemainingSlots, i.Ordinal })
                .HasFilter("remaining_slots > 0")
                .HasDatabaseName("ix_items_claimable");
            e.Property(i => i.SourceName).HasMaxLength(1024);
            e.Property(i => i.StorageKey).HasMaxLength(300);
            e.Property(i => i.ContentType).HasMaxLength(40);
            e.Property(i => i.Sha256).HasMaxLength(64);
            e.Property(i => i.Text).HasMaxLength(JobRules.MaxTextLength);
            e.Property(i => i.PreAnnotation).HasColumnType("jsonb");
            e.Property(i => i.MachineLabel).HasMaxLength(JobRules.MaxLabelLength);
            e.Property(i => i.GoldAnswer).HasColumnType("jsonb");
            e.Property(i => i.FinalAnswer).HasColumnType("jsonb");
            e.Property(i => i.FinalLabel).HasMaxLength(JobRules.MaxLabelLength);
            e.Property(i => i.GoldExplanation).HasMaxLength(2000);
            e.Property(i => i.FinalSource).HasMaxLength(16);
            e.Property(i => i.FinalState).HasMaxLength(16);
            e.Property(i => i.DecidedLabel).HasMaxLength(JobRules.MaxLabelLength);
            e.Property(i => i.DecidedBy).HasMaxLength(450);

            // Gold draws read only this: a job's gold items. The gold claim walks a job's gold in item order from a random point (ClaimTransaction.sql, GoldLease).
            e.HasIndex(i => new { i.JobId, i.Ordinal }, "ix_items_gold").HasFilter("gold_answer IS NOT NULL").HasDatabaseName("ix_items_gold");
            e.ToTable(t => t.HasCheckConstraint("ck_items_remaining_slots", "remaining_slots >= 0"));
        });

        builder.Entity<Assignment>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(a => a.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Item>().WithMany().HasForeignKey(a => a.ItemId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AppUser>().WithMany().HasForeignKey(a => a.WorkerId).OnDelete(DeleteBehavior.Restrict);
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(a => a.Label).HasMaxLength(JobRules.MaxLabelLength);
            e.Property(a => a.AnswerJson).HasColumnName("answer").HasColumnType("jsonb");
            e.Property(a => a.SkipReason).HasMaxLength(200);
            e.Property(a => a.ReviewState).HasConversion<string>().HasMaxLength(20);

            // The review worker reads only this: answers waiting for the model.
            e.HasIndex(a => new { a.JobId, a.SubmittedAt }).HasFilter("review_state = 'Pending'").HasDatabaseName("ix_assignments_pending_review");

            // The database itself guarantees a worker never answers the same item twice.
            e.HasIndex(a => new { a.ItemId, a.WorkerId }).IsUnique();
            e.HasIndex(a => new { a.JobId, a.Status });
            e.HasIndex(a => new { a.WorkerId, a.Status });
            // Live leases only (a few per worker online): the claim's expiry reads it by job, the minutely sweep whole.
            // Every index here is written twice a cycle (the lease, then the answer, never a HOT update): no spare ones (ADR 0019).
            e.HasIndex(a => new { a.JobId, a.LeaseExpiresAt }).HasFilter("status = 'Leased'").HasDatabaseName("ix_assignments_live_leases");

            // Reviewers' batches read only this: submissions waiting for a person and in no open batch.
            e.HasIndex(a => new { a.JobId, a.SubmittedAt }, "ix_assignments_awaiting_reviewer")
                .HasFilter("review_state IN ('NeedsReview', 'Disputed') AND review_batch_id IS NULL");
            e.HasOne<Review.Batches.ReviewBatch>().WithMany().HasForeignKey(a => a.ReviewBatchId).OnDelete(DeleteBehavior.SetNull);
            // Only answers in a reviewer's batch have one: the rest, almost all, stay out of the index.
            e.HasIndex(a => a.ReviewBatchId).HasFilter("review_batch_id IS NOT NULL");
        });

        builder.Entity<Review.Batches.ReviewBatch>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(b => b.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AppUser>().WithMany().HasForeignKey(b => b.ReviewerId).OnDelete(DeleteBehavior.Restrict);
            e.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);

            // One open batch per reviewer, guaranteed by the database (two tabs claiming at once).
            e.HasIndex(b => b.ReviewerId).IsUnique().HasFilter("status = 'Open'").HasDatabaseName("ix_review_batches_one_open");
            e.HasIndex(b => b.LeaseExpiresAt).HasFilter("status = 'Open'");
        });

        builder.Entity<Review.Batches.ReviewDecision>(e =>
        {
            e.HasOne<Assignment>().WithMany().HasForeignKey(d => d.AssignmentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Review.Batches.ReviewBatch>().WithMany().HasForeignKey(d => d.BatchId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<AppUser>().WithMany().HasForeignKey(d => d.ReviewerId).OnDelete(DeleteBehavior.Restrict);
            e.Property(d => d.Decision).HasConversion<string>().HasMaxLength(20);
            e.Property(d => d.Reason).HasMaxLength(Review.Batches.ReviewDecision.MaxReasonLength);
            e.HasIndex(d => new { d.AssignmentId, d.DecidedAt });
            e.HasIndex(d => new { d.ReviewerId, d.DecidedAt });
        });

        builder.Entity<Review.Disputes.ReviewDispute>(e =>
        {
            e.HasOne<Assignment>().WithOne().HasForeignKey<Review.Disputes.ReviewDispute>(d => d.AssignmentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AppUser>().WithMany().HasForeignKey(d => d.WorkerId).OnDelete(DeleteBehavior.Restrict);
            e.Property(d => d.Note).HasMaxLength(Review.Disputes.ReviewDispute.MaxNoteLength);
            e.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(20);

            // One dispute per answer, guaranteed by the database.
            e.HasIndex(d => d.AssignmentId).IsUnique();
        });

        builder.Entity<Verdict>(e =>
        {
            e.HasOne<Assignment>().WithOne().HasForeignKey<Verdict>(v => v.AssignmentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Job>().WithMany().HasForeignKey(v => v.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ReviewModel>().WithMany().HasForeignKey(v => v.ModelId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(v => v.AssignmentId).IsUnique();
            e.HasIndex(v => new { v.JobId, v.Outcome });
            e.Property(v => v.Outcome).HasConversion<string>().HasMaxLength(20);
            e.Property(v => v.Reason).HasMaxLength(300);
            e.Property(v => v.ModelLabel).HasMaxLength(JobRules.MaxLabelLength);
            e.Property(v => v.Evidence).HasColumnType("jsonb");
        });

        builder.Entity<Quality.Gold.ReviewerQuality>(e =>
        {
            e.ToTable("reviewer_quality");
            e.HasKey(q => q.ReviewerId);
            e.HasOne<AppUser>().WithMany().HasForeignKey(q => q.ReviewerId).OnDelete(DeleteBehavior.Cascade);
            e.Ignore(q => q.Accuracy);
        });

        builder.Entity<Quality.Gold.WorkerJobQuality>(e =>
        {
            e.ToTable("worker_job_quality");
            e.HasKey(q => new { q.WorkerId, q.JobId });
            e.HasOne<AppUser>().WithMany().HasForeignKey(q => q.WorkerId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Job>().WithMany().HasForeignKey(q => q.JobId).OnDelete(DeleteBehavior.Cascade);
            e.Property(q => q.BlockReason).HasMaxLength(300);
            e.Ignore(q => q.Accuracy);
            e.HasIndex(q => q.JobId);
        });

        builder.Entity<Review.Prefilter.PrefilterRun>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ReviewModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Restrict);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.Message).HasMaxLength(500);
            e.HasIndex(r => new { r.JobId, r.CreatedAt });

            // One run at a time per job, guaranteed by the database.
            e.HasIndex(r => r.JobId).IsUnique().HasFilter("status = 'Running'").HasDatabaseName("ix_prefilter_runs_one_running");
        });

        builder.Entity<ReviewModel>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(m => m.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(m => new { m.JobId, m.Version }).IsUnique();
            e.Property(m => m.FileName).HasMaxLength(255);
            e.Property(m => m.StorageKey).HasMaxLength(300);
            e.Property(m => m.Sha256).HasMaxLength(64);
            e.Property(m => m.DescriptorJson).HasColumnName("descriptor").HasColumnType("jsonb");
            e.Property(m => m.CreatedByUserId).HasMaxLength(450);
            e.Ignore(m => m.Descriptor);
        });

        builder.Entity<JobExample>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.JobId, x.Ordinal });
            e.Property(x => x.Caption).HasMaxLength(JobExample.MaxCaptionLength);
            e.Property(x => x.StorageKey).HasMaxLength(300);
            e.Property(x => x.ContentType).HasMaxLength(40);
        });

        builder.Entity<Draft>(e =>
        {
            e.HasKey(d => d.AssignmentId);
            e.HasOne<Assignment>().WithOne().HasForeignKey<Draft>(d => d.AssignmentId).OnDelete(DeleteBehavior.Cascade);
            e.Property(d => d.WorkerId).HasMaxLength(450);
            e.Property(d => d.AnswerJson).HasColumnName("answer").HasColumnType("jsonb");
        });

        builder.Entity<ItemReport>(e =>
        {
            e.HasOne<Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Item>().WithMany().HasForeignKey(r => r.ItemId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<AppUser>().WithMany().HasForeignKey(r => r.WorkerId).OnDelete(DeleteBehavior.Restrict);
            e.Property(r => r.Reason).HasConversion<string>().HasMaxLength(40);
            e.Property(r => r.Note).HasMaxLength(ItemReport.MaxNoteLength);
            e.HasIndex(r => new { r.ItemId, r.WorkerId }).IsUnique();
        });
    }
}
