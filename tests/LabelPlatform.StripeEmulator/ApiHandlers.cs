using System.Text.Json.Nodes;

namespace LabelPlatform.StripeEmulator;

/// <summary>The /v1 endpoints: parameter checks as Stripe makes them, then the state change.</summary>
internal sealed class ApiHandlers(EmulatorState state, WebhookSender webhooks, Func<Uri> baseUrl, bool livemode)
{
    public ApiResult Handle(string method, string path, FormParams p, string? idempotencyKey)
    {
        var parts = path.Trim('/').Split('/');
        try
        {
            JsonNode body = (method, parts) switch
            {
                ("POST", ["v1", "accounts"]) => CreateAccount(p),
                ("GET", ["v1", "accounts", var id]) => state.Read(() => state.GetAccount(id).ToJson()),
                ("POST", ["v1", "account_links"]) => CreateAccountLink(p),
                ("POST", ["v1", "transfers"]) => CreateTransfer(p, idempotencyKey),
                ("GET", ["v1", "transfers"]) => ListTransfers(p),
                ("GET", ["v1", "transfers", var id]) => state.Read(() => state.GetTransfer(id).ToJson()),
                ("POST", ["v1", "transfers", var id, "reversals"]) => CreateReversal(id, p),
                ("GET", ["v1", "balance"]) => state.BalanceJson(livemode),
                ("POST", ["v1", "refunds"]) => CreateRefund(p),
                ("GET", ["v1", "refunds"]) => ListRefunds(p),
                ("GET", ["v1", "refunds", var id]) => state.Read(() => state.GetRefund(id).ToJson()),
                ("POST", ["v1", "checkout", "sessions"]) => CreateCheckoutSession(p),
                ("GET", ["v1", "checkout", "sessions", var id]) => state.Read(() => state.GetSession(id).ToJson()),
                _ => throw ApiError.Invalid("resource_missing",
                    $"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
                    status: 404),
            };
            return new ApiResult(200, body);
        }
        catch (ApiError e)
        {
            return e.ToResult();
        }
        catch (Exception e)
        {
            return new ApiError(500, "api_error", null, "An unknown error occurred: " + e.Message).ToResult();
        }
    }

    private JsonObject CreateAccount(FormParams p)
    {
        p.OnlyAllow("type", "email", "country", "capabilities", "metadata", "business_type", "controller",
            "business_profile", "settings", "tos_acceptance", "individual", "company", "default_currency", "external_account");
        var type = p.Get("type") ?? "express";
        if (type is not ("express" or "standard" or "custom"))
        {
            throw ApiError.Invalid("parameter_invalid_string", $"Invalid type: must be one of custom, express, or standard", "type");
        }
        var country = (p.Get("country") ?? "US").ToUpperInvariant();
        if (country.Length != 2)
        {
            throw ApiError.Invalid("country_unsupported", $"Country '{country}' is unknown.", "country");
        }
        var account = new EmulatedAccount
        {
            Id = StripeJson.NewId("acct_", 16),
            Type = type,
            Email = p.Get("email"),
            Country = country,
            TransfersRequested = p.Bool("capabilities[transfers][requested]"),
            Created = state.Clock.UnixNow,
            Metadata = p.Hash("metadata"),
        };
        state.AddAccount(account);
        return state.Read(account.ToJson);
    }

    private JsonObject CreateAccountLink(FormParams p)
    {
        p.OnlyAllow("account", "refresh_url", "return_url", "type", "collect", "collection_options");
        var id = p.Require("account");
        var type = p.Require("type");
        if (type is not ("account_onboarding" or "account_update"))
        {
            throw ApiError.Invalid("parameter_invalid_string", "Invalid type: must be account_onboarding or account_update", "type");
        }
        state.GetAccount(id, "account", 400);
        var returnUrl = p.Get("return_url");
        var query = returnUrl is null ? "" : "?return_url=" + Uri.EscapeDataString(returnUrl);
        var now = state.Clock.UnixNow;
        return new JsonObject
        {
            ["object"] = "account_link",
            ["created"] = now,
            ["expires_at"] = now + 300,
            ["url"] = new Uri(baseUrl(), $"connect/onboarding/{id}{query}").ToString(),
        };
    }

    private JsonObject CreateTransfer(FormParams p, string? idempotencyKey)
    {
        p.OnlyAllow("amount", "currency", "destination", "transfer_group", "description", "metadata", "source_transaction", "source_type");
        var amount = p.RequireAmount("amount");
        var currency = p.RequireCurrency("currency");
        var destination = p.Require("destination");
        var transfer = state.CreateTransfer(amount, currency, destination, p.Get("description"), p.Get("transfer_group"),
            p.Hash("metadata"), idempotencyKey);
        return state.Read(transfer.ToJson);
    }

    private JsonObject ListTransfers(FormParams p)
    {
        p.OnlyAllow("limit", "starting_after", "ending_before", "created", "destination", "transfer_group");
        var limit = (int)(p.Integer("limit", 1) ?? 10);
        if (limit > 100)
        {
            throw ApiError.Invalid("parameter_invalid_integer", "This value must be less than or equal to 100.", "limit");
        }
        var startingAfter = p.Get("starting_after");
        var endingBefore = p.Get("ending_before");
        if (startingAfter is not null && endingBefore is not null)
        {
            throw ApiError.Invalid("parameter_invalid_string", "You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
        }
        var exact = p.Integer("created", 0);
        var gte = p.Integer("created[gte]", 0) ?? (p.Integer("created[gt]", 0) + 1) ?? exact ?? long.MinValue;
        var lte = p.Integer("created[lte]", 0) ?? (p.Integer("created[lt]", 0) - 1) ?? exact ?? long.MaxValue;
        var destination = p.Get("destination");
        var group = p.Get("transfer_group");
        return state.Read(() =>
        {
            var (page, hasMore) = state.ListTransfers(limit, startingAfter, endingBefore, t =>
                t.Created >= gte && t.Created <= lte
                && (destination is null || t.Destination == destination)
                && (group is null || t.TransferGroup == group));
            return StripeJson.List(page.Select(t => (JsonNode)t.ToJson()), hasMore, "/v1/transfers");
        });
    }

    private JsonObject CreateReversal(string id, FormParams p)
    {
        p.OnlyAllow("amount", "description", "metadata", "refund_application_fee");
        var amount = p.Integer("amount", 1);
        var reversal = ReverseAndNotify(id, amount, p.Hash("metadata"));
        return reversal.ToJson();
    }

    public EmulatedReversal ReverseAndNotify(string transferId, long? amount, Dictionary<string, string>? metadata = null)
    {
        var reversal = state.ReverseTransfer(transferId, amount, metadata);
        var transfer = state.Read(() => state.GetTransfer(transferId).ToJson());
        webhooks.Send("transfer.reversed", transfer);
        return reversal;
    }

    private JsonObject CreateRefund(FormParams p)
    {
        p.OnlyAllow("payment_intent", "charge", "amount", "metadata", "reason", "instructions_email", "refund_application_fee", "reverse_transfer");
        var paymentIntent = p.Get("payment_intent") ?? throw ApiError.Missing("payment_intent");
        var refund = state.CreateRefund(paymentIntent, p.Integer("amount", 1), p.Hash("metadata"));
        return state.Read(refund.ToJson);
    }

    private JsonObject ListRefunds(FormParams p)
    {
        p.OnlyAllow("limit", "payment_intent", "charge", "created", "starting_after", "ending_before");
        var limit = (int)(p.Integer("limit", 1) ?? 10);
        var all = state.ListRefunds(p.Get("payment_intent"));
        return state.Read(() => StripeJson.List(all.Take(limit).Select(r => (JsonNode)r.ToJson()), all.Count > limit, "/v1/refunds"));
    }

    private JsonObject CreateCheckoutSession(FormParams p)
    {
        p.OnlyAllow("mode", "success_url", "cancel_url", "client_reference_id", "customer_email", "metadata", "line_items",
            "payment_method_types", "payment_intent_data", "locale", "expires_at", "customer", "submit_type", "customer_creation",
            "allow_promotion_codes", "billing_address_collection", "invoice_creation", "ui_mode", "automatic_tax");
        var mode = p.Require("mode");
        if (mode is not ("payment" or "setup" or "subscription"))
        {
            throw ApiError.Invalid("parameter_invalid_string", "Invalid mode: must be one of payment, setup, or subscription", "mode");
        }
        var successUrl = p.Require("success_url");
        var items = new List<EmulatedLineItem>();
        foreach (var i in p.Indices("line_items"))
        {
            var prefix = $"line_items[{i}]";
            var quantity = p.Integer($"{prefix}[quantity]", 1) ?? throw ApiError.Missing($"{prefix}[quantity]");
            var currency = p.RequireCurrency($"{prefix}[price_data][currency]");
            var unit = p.Integer($"{prefix}[price_data][unit_amount]", 0) ?? throw ApiError.Missing($"{prefix}[price_data][unit_amount]");
            var name = p.Require($"{prefix}[price_data][product_data][name]");
            if (items.Count > 0 && items[0].Currency != currency)
            {
                throw ApiError.Invalid("parameter_invalid_string", "All line items must use the same currency.", $"{prefix}[price_data][currency]");
            }
            items.Add(new EmulatedLineItem(name, currency, unit, quantity));
        }
        if (mode == "payment" && items.Count == 0)
        {
            throw ApiError.Missing("line_items");
        }
        var id = StripeJson.NewId("cs_test_", 58);
        var session = new EmulatedCheckoutSession
        {
            Id = id,
            Url = new Uri(baseUrl(), $"checkout/pay/{id}").ToString(),
            Mode = mode,
            SuccessUrl = successUrl,
            CancelUrl = p.Get("cancel_url"),
            ClientReferenceId = p.Get("client_reference_id"),
            CustomerEmail = p.Get("customer_email"),
            Metadata = p.Hash("metadata"),
            LineItems = items,
            Created = state.Clock.UnixNow,
        };
        state.AddSession(session);
        return state.Read(session.ToJson);
    }
}
