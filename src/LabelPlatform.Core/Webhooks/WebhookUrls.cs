using System.Net;
using System.Net.Sockets;
using LabelPlatform.Common;

namespace LabelPlatform.Webhooks;

/// <summary>
/// Which URLs and addresses a webhook may go to. The URL is checked when it is saved; the address is checked
/// again on every connection (a name can resolve elsewhere later), by the sender's connect step.
/// </summary>
public static class WebhookUrls
{
    public static Result<Uri> Check(string? url, WebhookOptions options)
    {
        url = (url ?? "").Trim();
        if (url.Length is 0 or > WebhookEndpoint.MaxUrlLength)
        {
            return Error.Validation($"Give the endpoint's URL, up to {WebhookEndpoint.MaxUrlLength} characters.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return Error.Validation("The endpoint's URL must be an absolute http(s) URL, such as https://example.com/hooks/labelplatform.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && options.RequireHttps)
        {
            return Error.Validation("The endpoint's URL must use https://, so events and their signatures cannot be read on the way.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return Error.Validation("Leave user names and passwords out of the URL; check the signature instead.");
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return Error.Validation("The endpoint's URL cannot have a #fragment.");
        }

        if (!options.AllowPrivateAddresses)
        {
            var host = uri.IdnHost.TrimEnd('.');
            var literal = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(host.Trim('[', ']'), out var address) ? address : null;
            if (literal is not null ? !IsPublic(literal) : IsInternalName(host))
            {
                return Error.Validation("The endpoint must be on the public internet: loopback, private, link-local and other internal addresses are refused.");
            }
        }

        return uri;
    }

    /// <summary>Names that always mean this machine or a private network.</summary>
    private static bool IsInternalName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase)
        || !host.Contains('.');

    /// <summary>Whether an address is on the public internet (not loopback, private, link-local, shared, multicast, reserved or documentation).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 // "this" network
                || b[0] == 10
                || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // protocol assignments
                || (b[0] == 192 && b[1] == 0 && b[2] == 2) // documentation
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19)) // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)
                || b[0] >= 224); // multicast, reserved, broadcast
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IsLoopback(address)
                || address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC // unique local fc00::/7
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // documentation
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // NAT64 can reach IPv4 private space
                || address.IsIPv4MappedToIPv6
                || b.Take(12).All(x => x == 0)); // IPv4-compatible and unspecified
        }

        return false;
    }
}
