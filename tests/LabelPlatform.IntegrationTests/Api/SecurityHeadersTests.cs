using System.Net;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using LabelPlatform.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LabelPlatform.IntegrationTests.Api;

public class SecurityHeadersTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/health/live")]
    [InlineData("/js/labelplatform.js")]
    public async Task AnyResponse_CarriesThePolicyAndNoSniffHeaders(string path)
    {
        using var client = factory.CreateBrowser();

        using var response = await client.GetAsync(path);

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, policy);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data: blob:;", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("198.51.100.20", true)]
    public async Task ForwardedHeaders_BelievedOnlyFromANamedProxy(string? knownProxy, bool believed)
    {
        using var app = factory.WithWebHostBuilder(b =>
        {
            SourceAddress.Use(b);
            if (knownProxy is not null)
            {
                b.UseSetting("ForwardedHeaders:KnownProxies:0", knownProxy);
            }
        });
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/login")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { email = worker.Email, password = LabelPlatformFactory.Password, rememberMe = false }),
        };
        request.Headers.Add(SourceAddress.Header, "198.51.100.20");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request);

        // Believed, the header makes the request HTTPS, so its cookie is marked Secure.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("labelplatform.auth=", StringComparison.Ordinal));
        Assert.Equal(believed, cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ForwardedHeaders_NamedProxiesAndNetworks_AreTrustedBesideLoopback()
    {
        using var configured = factory.WithWebHostBuilder(b => b
            .UseSetting("ForwardedHeaders:KnownProxies:0", "10.0.0.5")
            .UseSetting("ForwardedHeaders:KnownNetworks:0", "192.0.2.0/24"));

        var options = configured.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;

        Assert.Contains(IPAddress.Parse("10.0.0.5"), options.KnownProxies);
        Assert.Contains(IPAddress.IPv6Loopback, options.KnownProxies);
        Assert.Contains(System.Net.IPNetwork.Parse("127.0.0.0/8"), options.KnownIPNetworks);
        Assert.Contains(System.Net.IPNetwork.Parse("192.0.2.0/24"), options.KnownIPNetworks);
    }

    [Fact]
    public void ForwardedHeaders_AProxyThatIsNoAddress_StopsTheAppWithTheSetting()
    {
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("ForwardedHeaders:KnownProxies:0", "balancer.internal"));

        var error = Assert.Throws<InvalidOperationException>(() => configured.Services);

        Assert.Contains("ForwardedHeaders:KnownProxies holds \"balancer.internal\"", error.Message, StringComparison.Ordinal);
    }
}
