using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace LabelPlatform.Web.Security;

/// <summary>
/// X-Forwarded-For and -Proto are applied only from the proxies the operator names
/// (<c>ForwardedHeaders:KnownProxies</c>, <c>ForwardedHeaders:KnownNetworks</c>) and loopback;
/// from anyone else they are ignored, so a client cannot pose as another address or as HTTPS.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection($"{Section}:KnownProxies").Get<string[]>() ?? [];
        var networks = configuration.GetSection($"{Section}:KnownNetworks").Get<string[]>() ?? [];
        var addresses = proxies.Select(p => IPAddress.TryParse(p.Trim(), out var address)
            ? address
            : throw new InvalidOperationException($"{Section}:KnownProxies holds \"{p}\", which is not an IP address.")).ToList();
        var ranges = networks.Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var network)
            ? network
            : throw new InvalidOperationException($"{Section}:KnownNetworks holds \"{n}\", which is not a network such as 10.0.0.0/24.")).ToList();

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // The defaults (loopback) stay; the operator's balancers join them.
            addresses.ForEach(o.KnownProxies.Add);
            ranges.ForEach(o.KnownIPNetworks.Add);
        });
        return services;
    }
}
