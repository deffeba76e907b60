using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Webhooks;

/// <summary>What one try got back.</summary>
public sealed record WebhookTryResult(int? StatusCode, string? Error, int DurationMs, string? ResponseExcerpt)
{
    public bool Delivered => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Posts a signed webhook. Every connection resolves the host itself and connects only to public addresses
/// (unless the site allows internal ones), so a name that resolves to 127.0.0.1 or 169.254.169.254, now or
/// after it was saved, is refused; no proxy (it would connect for us) and no redirects (a 3xx is a failure).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string UserAgent = "LabelPlatform-Webhooks/1.0 (+https://labelplatform.example/docs/api#webhooks)";

    private readonly HttpClient _client;

    private readonly WebhookOptions _options;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<WebhookTryResult> SendAsync(
        string url, string payload, IReadOnlyList<string> secrets, Guid deliveryId, Guid eventId, string eventType, int attempt, DateTimeOffset now, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(payload, now, secrets));
        request.Headers.Add("LabelPlatform-Event-Id", WebhookPayload.EventId(eventId));
        request.Headers.Add("LabelPlatform-Event-Type", eventType);
        request.Headers.Add("LabelPlatform-Delivery-Id", deliveryId.ToString());
        request.Headers.Add("LabelPlatform-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ExcerptAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            var error = status is >= 200 and < 300 ? null
                : status is >= 300 and < 400 ? $"Answered {status} (a redirect, which is not followed: give the final URL)."
                : $"Answered {status} {response.ReasonPhrase}.";
            return new WebhookTryResult(status, error, Elapsed(clock), excerpt);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookTryResult(null, $"No answer within {_options.Timeout.TotalSeconds:0.#} s.", Elapsed(clock), null);
        }
        catch (HttpRequestException e)
        {
            return new WebhookTryResult(null, Describe(e), Elapsed(clock), null);
        }
    }

    public void Dispose() => _client.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = _options.AllowPrivateAddresses ? addresses : addresses.Where(WebhookUrls.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new BlockedAddressException($"{host} resolves only to internal addresses ({string.Join(", ", addresses.Take(3))}), which webhooks may not reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[WebhookAttempt.MaxExcerptLength];
        var read = 0;
        while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0)
        {
            read += n;
        }

        // Only the start is read: a receiver that streams an endless body cannot hold the sender.
        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read).TrimEnd('\uFFFD').Replace("\0", "", StringComparison.Ordinal);
    }

    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is BlockedAddressException blocked)
            {
                return blocked.Message;
            }
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "The host name does not resolve.",
            HttpRequestError.ConnectionError => "The connection was refused or could not be made.",
            HttpRequestError.SecureConnectionError => "The TLS handshake failed (check the certificate).",
            _ => e.Message,
        };
    }

    private static int Elapsed(Stopwatch clock) => (int)Math.Min(int.MaxValue, clock.ElapsedMilliseconds);

    private sealed class BlockedAddressException(string message) : Exception(message);
}
