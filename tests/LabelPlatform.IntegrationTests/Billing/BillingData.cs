using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.StripeEmulator;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>A worker who can be paid: an onboarded Stripe account at the emulator and a payout account saying so.</summary>
public sealed record PaidWorker(string WorkerId, string StripeAccountId);

/// <summary>Billing setups and readings: balances, payable workers, signed webhooks.</summary>
public static class BillingData
{
    public const string Usd = "USD";

    /// <summary>A tracked account's balance as its row says (0 when the account does not exist yet).</summary>
    public static async Task<long> BalanceAsync(this LabelPlatformFactory factory, Guid accountId) =>
        await factory.ScalarAsync<long>("SELECT coalesce((SELECT balance FROM ledger_accounts WHERE id = $1), 0)::bigint", accountId);

    /// <summary>Any account's balance as the sum of its entries.</summary>
    public static async Task<long> SumAsync(this LabelPlatformFactory factory, Guid accountId) =>
        await factory.ScalarAsync<long>("SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries WHERE account_id = $1", accountId);

    public static Task<long> FundsAsync(this LabelPlatformFactory factory, Guid organisationId) => factory.BalanceAsync(LedgerAccount.Funds(organisationId, Usd));

    public static Task<long> EscrowAsync(this LabelPlatformFactory factory, Guid jobId) => factory.BalanceAsync(LedgerAccount.Escrow(jobId, Usd));

    public static Task<long> PayableAsync(this LabelPlatformFactory factory, string workerId) => factory.BalanceAsync(LedgerAccount.Payable(workerId, Usd));

    public static Task<long> InTransitAsync(this LabelPlatformFactory factory, string workerId) => factory.BalanceAsync(LedgerAccount.InTransit(workerId, Usd));

    public static Task<long> RevenueAsync(this LabelPlatformFactory factory) => factory.SumAsync(LedgerAccount.Revenue(Usd));

    public static Task<long> ClearingAsync(this LabelPlatformFactory factory) => factory.SumAsync(LedgerAccount.Clearing(Usd));

    /// <summary>Posts through the product's ledger writer, in a transaction of its own.</summary>
    public static async Task<LabelPlatform.Common.Result<PostOutcome>> PostAsync(this LabelPlatformFactory factory, Posting posting)
    {
        await using var connection = await factory.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var posted = await LedgerWriter.PostAsync(connection, tx, posting, DateTimeOffset.UtcNow, CancellationToken.None);
        await tx.CommitAsync();
        return posted;
    }

    /// <summary>An onboarded Express account at the emulator, made in-process as onboarding would leave it.</summary>
    public static string OnboardedAccount(this StripeEmulator.StripeEmulator emulator, bool onboarded = true)
    {
        var id = "acct_" + Guid.NewGuid().ToString("N")[..16];
        emulator.State.AddAccount(new EmulatedAccount
        {
            Id = id,
            Country = "US",
            Email = $"{id}@example.test",
            TransfersRequested = true,
            Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        });
        if (onboarded)
        {
            emulator.State.CompleteOnboarding(id);
        }

        return id;
    }

    /// <summary>Payout accounts for workers (enabled as Stripe says an onboarded one is).</summary>
    public static async Task<List<PaidWorker>> ConnectAsync(this BillingFactory factory, IEnumerable<string> workerIds, bool enabled = true)
    {
        var workers = workerIds.Select(id => new PaidWorker(id, factory.Emulator.OnboardedAccount(enabled))).ToList();
        await factory.ExecuteAsync(
            """
            INSERT INTO payout_accounts (worker_id, stripe_account_id, payouts_enabled, requirements, created_at, updated_at)
            SELECT w, a, $3, '', now(), now() FROM unnest($1::text[], $2::text[]) AS t(w, a)
            """,
            workers.Select(w => w.WorkerId).ToArray(), workers.Select(w => w.StripeAccountId).ToArray(), enabled);
        return workers;
    }

    /// <summary>
    /// Workers with <paramref name="amount"/> payable each, earned as bonuses from an organisation credited for
    /// them (real postings through the ledger writer, so the triggers and checks run), and enabled payout accounts.
    /// </summary>
    public static async Task<List<PaidWorker>> PayableWorkersAsync(this BillingFactory factory, int count, long amount)
    {
        var users = await factory.InsertWorkersAsync(count);
        var organisationId = Guid.NewGuid();
        var fee = LabelPlatform.Billing.Pricing.Fee(amount, 20, 1);
        var credited = await factory.PostAsync(Postings.ManualCredit(organisationId, Usd, count * (amount + fee), "Test credit", "test-admin", Guid.NewGuid()));
        Assert.True(credited.IsSuccess, credited.Error?.Message);
        foreach (var user in users)
        {
            var bonus = await factory.PostAsync(Postings.Bonus(Guid.NewGuid(), organisationId, Guid.NewGuid(), user.Id, Usd, amount, fee, "Seeded earnings", "test-researcher"));
            Assert.True(bonus.IsSuccess, bonus.Error?.Message);
        }

        return await factory.ConnectAsync(users.Select(u => u.Id));
    }

    /// <summary>A Stripe-Signature header for <paramref name="body"/>, as Stripe computes it.</summary>
    public static string Sign(string body, string secret = BillingFactory.WebhookSecret, DateTimeOffset? at = null)
    {
        var t = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>
    /// Delivers an event the emulator recorded as Stripe would: about a connected account to the app's
    /// Connect endpoint signed with its secret, otherwise to the platform endpoint; returns the HTTP status and body.
    /// </summary>
    public static async Task<(int Status, string Body)> DeliverAsync(this BillingFactory factory, EmulatedEvent evt, string? signature = null, string? path = null)
    {
        var connect = evt.Account is not null;
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path ?? (connect ? LabelPlatform.Web.Api.BillingApi.ConnectWebhookPath : LabelPlatform.Web.Api.BillingApi.WebhookPath))
        {
            Content = new StringContent(evt.Json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature ?? Sign(evt.Json, connect ? BillingFactory.ConnectWebhookSecret : BillingFactory.WebhookSecret));
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The one event of <paramref name="type"/> whose object is <paramref name="objectId"/> (the latest if several).</summary>
    public static EmulatedEvent EventFor(this StripeEmulator.StripeEmulator emulator, string type, string objectId) =>
        emulator.Events.Last(e => e.Type == type && e.Json.Contains($"\"id\":\"{objectId}\"", StringComparison.Ordinal));

    /// <summary>The emulator's transfers per payout (by the payout id in their metadata).</summary>
    public static Dictionary<string, int> TransfersPerPayout(this StripeEmulator.StripeEmulator emulator) =>
        emulator.Transfers.GroupBy(t => t.Metadata.GetValueOrDefault("payout_id") ?? "").ToDictionary(g => g.Key, g => g.Count());
}
