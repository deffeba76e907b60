namespace LabelPlatform.StripeEmulator;

/// <summary>Stripe's objects and the rules for creating them; one lock keeps every operation atomic.</summary>
public sealed class EmulatorState(EmulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EmulatedAccount> _accounts = [];
    private readonly List<EmulatedTransfer> _transfers = [];
    private readonly Dictionary<string, EmulatedCheckoutSession> _sessions = [];
    private readonly Dictionary<string, long> _spent = new(StringComparer.Ordinal);

    public IReadOnlyList<EmulatedAccount> Accounts { get { lock (_gate) { return _accounts.Values.ToList(); } } }
    public IReadOnlyList<EmulatedTransfer> Transfers { get { lock (_gate) { return _transfers.ToList(); } } }
    public IReadOnlyList<EmulatedCheckoutSession> CheckoutSessions { get { lock (_gate) { return _sessions.Values.ToList(); } } }

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
            return StartingBalance(currency) - _spent.GetValueOrDefault(currency);
        }
    }

    private long StartingBalance(string currency) =>
        options.PlatformBalance.TryGetValue(currency, out var b) ? b : options.DefaultPlatformBalance;

    public void Reset()
    {
        lock (_gate)
        {
            _accounts.Clear();
            _transfers.Clear();
            _sessions.Clear();
            _spent.Clear();
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
            if (StartingBalance(currency) - _spent.GetValueOrDefault(currency) < amount)
            {
                throw ApiError.Invalid("balance_insufficient",
                    "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card.");
            }
            _spent[currency] = _spent.GetValueOrDefault(currency) + amount;
            var transfer = new EmulatedTransfer
            {
                Id = StripeJson.NewId("tr_"),
                Amount = amount,
                Currency = currency,
                Destination = destination,
                Description = description,
                TransferGroup = transferGroup,
                Metadata = metadata,
                Created = StripeJson.Now(),
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
                Created = StripeJson.Now(),
                Metadata = metadata ?? [],
            };
            transfer.AmountReversed += value;
            transfer.ReversalList.Add(reversal);
            _spent[transfer.Currency] = _spent.GetValueOrDefault(transfer.Currency) - value;
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
            return true;
        }
    }
}
