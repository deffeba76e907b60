using System.Text.Json.Nodes;

namespace LabelPlatform.StripeEmulator;

/// <summary>Stripe's objects and the rules for creating them; one lock keeps every operation atomic.</summary>
public sealed class EmulatorState(EmulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EmulatedAccount> _accounts = [];
    private readonly List<EmulatedTransfer> _transfers = [];
    private readonly Dictionary<string, EmulatedCheckoutSession> _sessions = [];
    private readonly Dictionary<string, long> _available = new(StringComparer.Ordinal);
    private readonly List<PendingFunds> _pending = [];
    private readonly List<EmulatedRefund> _refunds = [];
    private readonly List<EmulatedDispute> _disputes = [];

    private sealed record PendingFunds(string Currency, long Amount, long AvailableOn);

    /// <summary>The emulated now; <see cref="EmulatedClock.Advance"/> makes pending funds available and idempotency keys expire.</summary>
    public EmulatedClock Clock { get; } = new();

    public IReadOnlyList<EmulatedAccount> Accounts { get { lock (_gate) { return _accounts.Values.ToList(); } } }
    public IReadOnlyList<EmulatedTransfer> Transfers { get { lock (_gate) { return _transfers.ToList(); } } }
    public IReadOnlyList<EmulatedCheckoutSession> CheckoutSessions { get { lock (_gate) { return _sessions.Values.ToList(); } } }
    public IReadOnlyList<EmulatedRefund> Refunds { get { lock (_gate) { return _refunds.ToList(); } } }
    public IReadOnlyList<EmulatedDispute> Disputes { get { lock (_gate) { return _disputes.ToList(); } } }

    /// <summary>Renders or reads objects without racing a concurrent mutation.</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    public long AvailableBalance(string currency)
    {
        lock (_gate)
        {
            return Available(currency);
        }
    }

    public void SetAvailable(string currency, long amount)
    {
        lock (_gate)
        {
            _available[currency.ToLowerInvariant()] = amount;
        }
    }

    /// <summary>Funds that reach the available balance at <paramref name="availableOn"/> (unix seconds, emulated time), as card payments do.</summary>
    public void AddPendingFunds(string currency, long amount, long availableOn)
    {
        lock (_gate)
        {
            _pending.Add(new PendingFunds(currency.ToLowerInvariant(), amount, availableOn));
        }
    }

    /// <summary>Stripe's balance object: available and pending per currency.</summary>
    public JsonObject BalanceJson(bool livemode)
    {
        lock (_gate)
        {
            var now = Clock.UnixNow;
            // With a default balance every currency holds it, so each is listed, as Stripe lists the currencies an account holds.
            var currencies = options.PlatformBalance.Keys.Select(c => c.ToLowerInvariant())
                .Concat(_available.Keys).Concat(_pending.Select(p => p.Currency))
                .Concat(options.DefaultPlatformBalance > 0 ? FormParams.Currencies : [])
                .DefaultIfEmpty("usd").Distinct().Order().ToList();
            JsonArray Amounts(Func<string, long> amount) => new(currencies.Select(c => (JsonNode)new JsonObject
            {
                ["amount"] = amount(c),
                ["currency"] = c,
                ["source_types"] = new JsonObject { ["card"] = amount(c) },
            }).ToArray());
            return new JsonObject
            {
                ["object"] = "balance",
                ["available"] = Amounts(Available),
                ["pending"] = Amounts(c => _pending.Where(p => p.Currency == c && p.AvailableOn > now).Sum(p => p.Amount)),
                ["livemode"] = livemode,
            };
        }
    }

    // Under the lock: pending funds whose day has come join the available balance first.
    private long Available(string currency)
    {
        var now = Clock.UnixNow;
        foreach (var due in _pending.Where(p => p.AvailableOn <= now).ToList())
        {
            _available[due.Currency] = AvailableBefore(due.Currency) + due.Amount;
            _pending.Remove(due);
        }
        return AvailableBefore(currency);
    }

    private long AvailableBefore(string currency) => _available.TryGetValue(currency, out var a) ? a
        : options.PlatformBalance.TryGetValue(currency, out var b) ? b : options.DefaultPlatformBalance;

    public void Reset()
    {
        lock (_gate)
        {
            _accounts.Clear();
            _transfers.Clear();
            _sessions.Clear();
            _available.Clear();
            _pending.Clear();
            _refunds.Clear();
            _disputes.Clear();
            Clock.Reset();
        }
    }

    public EmulatedAccount AddAccount(EmulatedAccount account)
    {
        lock (_gate)
        {
            _accounts[account.Id] = account;
            return account;
        }
    }

    public EmulatedAccount GetAccount(string id, string param = "id", int status = 404)
    {
        lock (_gate)
        {
            return _accounts.TryGetValue(id, out var a) ? a : throw ApiError.NoSuch("account", id, param, status);
        }
    }

    /// <summary>Marks the account as onboarded; false when it already was.</summary>
    public bool CompleteOnboarding(string id)
    {
        lock (_gate)
        {
            var account = GetAccount(id);
            var changed = !account.Onboarded;
            account.Onboarded = true;
            return changed;
        }
    }

    public EmulatedTransfer CreateTransfer(long amount, string currency, string destination, string? description,
        string? transferGroup, Dictionary<string, string> metadata, string? idempotencyKey)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(destination, out var account))
            {
                throw ApiError.NoSuch("destination", destination, "destination", 400);
            }
            if (account.TransfersCapability != "active")
            {
                throw ApiError.Invalid("insufficient_capabilities_for_transfer",
                    "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
                    "destination");
            }
            if (Available(currency) < amount)
            {
                throw ApiError.Invalid("balance_insufficient",
                    "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card.");
            }
            _available[currency] = Available(currency) - amount;
            var transfer = new EmulatedTransfer
            {
                Id = StripeJson.NewId("tr_"),
                Amount = amount,
                Currency = currency,
                Destination = destination,
                Description = description,
                TransferGroup = transferGroup,
                Metadata = metadata,
                Created = Clock.UnixNow,
                IdempotencyKey = idempotencyKey,
            };
            _transfers.Add(transfer);
            return transfer;
        }
    }

    public EmulatedTransfer GetTransfer(string id, string param = "id", int status = 404)
    {
        lock (_gate)
        {
            return _transfers.FirstOrDefault(t => t.Id == id) ?? throw ApiError.NoSuch("transfer", id, param, status);
        }
    }

    public EmulatedReversal ReverseTransfer(string id, long? amount, Dictionary<string, string>? metadata = null)
    {
        lock (_gate)
        {
            var transfer = GetTransfer(id);
            var rest = transfer.Amount - transfer.AmountReversed;
            var value = amount ?? rest;
            if (value > rest || rest == 0)
            {
                throw ApiError.Invalid("parameter_invalid_integer",
                    $"Refund amount ({value}) is greater than unrefunded amount on transfer ({rest})", "amount");
            }
            var reversal = new EmulatedReversal
            {
                Id = StripeJson.NewId("trr_"),
                TransferId = id,
                Amount = value,
                Currency = transfer.Currency,
                Created = Clock.UnixNow,
                Metadata = metadata ?? [],
            };
            transfer.AmountReversed += value;
            transfer.ReversalList.Add(reversal);
            _available[transfer.Currency] = Available(transfer.Currency) + value;
            return reversal;
        }
    }

    /// <summary>Newest first, paged by object ids as Stripe does.</summary>
    public (List<EmulatedTransfer> Page, bool HasMore) ListTransfers(int limit, string? startingAfter, string? endingBefore,
        Func<EmulatedTransfer, bool> filter)
    {
        lock (_gate)
        {
            var all = _transfers.AsEnumerable().Reverse().Where(filter).ToList();
            if (endingBefore is not null)
            {
                var index = IndexOf(all, endingBefore, "ending_before");
                var from = Math.Max(0, index - limit);
                return (all.GetRange(from, index - from), from > 0);
            }
            var start = startingAfter is null ? 0 : IndexOf(all, startingAfter, "starting_after") + 1;
            var page = all.Skip(start).Take(limit).ToList();
            return (page, start + page.Count < all.Count);
        }
    }

    private int IndexOf(List<EmulatedTransfer> list, string id, string param)
    {
        var index = list.FindIndex(t => t.Id == id);
        return index >= 0 ? index : throw ApiError.NoSuch("transfer", id, param, 400);
    }

    public EmulatedCheckoutSession AddSession(EmulatedCheckoutSession session)
    {
        lock (_gate)
        {
            _sessions[session.Id] = session;
            return session;
        }
    }

    public EmulatedCheckoutSession GetSession(string id)
    {
        lock (_gate)
        {
            return _sessions.TryGetValue(id, out var s) ? s : throw ApiError.NoSuch("checkout.session", id);
        }
    }

    private EmulatedCheckoutSession PaidSession(string paymentIntent, string param) =>
        _sessions.Values.FirstOrDefault(s => s.PaymentIntent == paymentIntent)
        ?? throw ApiError.NoSuch("payment_intent", paymentIntent, param, 400);

    /// <summary>A refund of part or all of what is left of a paid checkout's payment, from the available balance.</summary>
    public EmulatedRefund CreateRefund(string paymentIntent, long? amount, Dictionary<string, string> metadata)
    {
        lock (_gate)
        {
            var session = PaidSession(paymentIntent, "payment_intent");
            var refunded = _refunds.Where(r => r.PaymentIntent == paymentIntent && r.Status != "failed").Sum(r => r.Amount);
            var left = session.AmountTotal - refunded;
            if (left <= 0)
            {
                throw ApiError.Invalid("charge_already_refunded", $"Charge ch_{paymentIntent[3..]} has already been refunded.");
            }
            var value = amount ?? left;
            if (value > left)
            {
                throw ApiError.Invalid("amount_too_large", $"Refund amount ({value}) is greater than unrefunded amount on charge ({left})", "amount");
            }
            var refund = new EmulatedRefund
            {
                Id = StripeJson.NewId("re_"),
                PaymentIntent = paymentIntent,
                Amount = value,
                Currency = session.Currency,
                Created = Clock.UnixNow,
                Metadata = metadata,
            };
            _available[session.Currency] = Available(session.Currency) - value;
            _refunds.Add(refund);
            return refund;
        }
    }

    public EmulatedRefund GetRefund(string id)
    {
        lock (_gate)
        {
            return _refunds.FirstOrDefault(r => r.Id == id) ?? throw ApiError.NoSuch("refund", id);
        }
    }

    public List<EmulatedRefund> ListRefunds(string? paymentIntent)
    {
        lock (_gate)
        {
            return _refunds.AsEnumerable().Reverse().Where(r => paymentIntent is null || r.PaymentIntent == paymentIntent).ToList();
        }
    }

    /// <summary>The card network returned the refund (an expired or closed card): failed, and the money is back in the balance. False when it was not succeeded.</summary>
    public bool FailRefund(string id)
    {
        lock (_gate)
        {
            var refund = GetRefund(id);
            if (refund.Status != "succeeded")
            {
                return false;
            }
            refund.Status = "failed";
            refund.FailureReason = "expired_or_canceled_card";
            _available[refund.Currency] = Available(refund.Currency) + refund.Amount;
            return true;
        }
    }

    /// <summary>The cardholder disputes the payment: Stripe takes the amount from the balance at once.</summary>
    public EmulatedDispute CreateDispute(string paymentIntent, long? amount)
    {
        lock (_gate)
        {
            var session = PaidSession(paymentIntent, "payment_intent");
            var dispute = new EmulatedDispute
            {
                Id = StripeJson.NewId("dp_"),
                PaymentIntent = paymentIntent,
                Amount = amount ?? session.AmountTotal,
                Currency = session.Currency,
                Created = Clock.UnixNow,
            };
            _available[session.Currency] = Available(session.Currency) - dispute.Amount;
            _disputes.Add(dispute);
            return dispute;
        }
    }

    /// <summary>The dispute is decided: won returns the amount to the balance; false when it was closed already.</summary>
    public bool CloseDispute(string id, bool won)
    {
        lock (_gate)
        {
            var dispute = _disputes.FirstOrDefault(d => d.Id == id) ?? throw ApiError.NoSuch("dispute", id);
            if (dispute.Status is "won" or "lost")
            {
                return false;
            }
            dispute.Status = won ? "won" : "lost";
            if (won)
            {
                _available[dispute.Currency] = Available(dispute.Currency) + dispute.Amount;
            }
            return true;
        }
    }

    /// <summary>Expires the session as Stripe does after its 24 hours (or on an expire call); false when it was not open.</summary>
    public bool ExpireCheckout(string id)
    {
        lock (_gate)
        {
            var session = GetSession(id);
            if (session.Status != "open")
            {
                return false;
            }

            session.Status = "expired";
            return true;
        }
    }

    /// <summary>Pays the session; false when it was not open.</summary>
    public bool CompleteCheckout(string id)
    {
        lock (_gate)
        {
            var session = GetSession(id);
            if (session.Status != "open")
            {
                return false;
            }
            session.Status = "complete";
            session.PaymentStatus = "paid";
            session.PaymentIntent = StripeJson.NewId("pi_");
            // A card payment reaches the balance as pending and becomes available days later.
            _pending.Add(new PendingFunds(session.Currency, session.AmountTotal, Clock.UnixNow + (long)options.FundsPendingFor.TotalSeconds));
            return true;
        }
    }
}
