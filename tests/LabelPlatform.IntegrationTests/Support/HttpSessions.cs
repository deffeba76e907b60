using System.Net;
using System.Net.Http.Json;
using LabelPlatform.Accounts;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>HTTP clients that behave like a browser: they keep cookies and show redirects instead of following them.</summary>
public static class HttpSessions
{
    public static HttpClient CreateBrowser(this LabelPlatformFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static Task<HttpResponseMessage> LoginAsync(this HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/account/login", new { email, password, rememberMe = false });

    public static async Task<HttpClient> SignInAsync(this LabelPlatformFactory factory, AppUser user)
    {
        var client = factory.CreateBrowser();
        using var response = await client.LoginAsync(user.Email!, LabelPlatformFactory.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }
}
