using System.Net.Http.Headers;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.ApiKeys;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>Programs calling the researchers' API: a key issued as the page issues it, sent as a bearer token, no cookies.</summary>
public static class ApiClients
{
    public static async Task<IssuedApiKey> IssueKeyAsync(this LabelPlatformFactory factory, AppUser researcher, ApiKeyScope scope = ApiKeyScope.Write)
    {
        var issued = await factory.Services.GetRequiredService<IssueApiKey>().HandleAsync(researcher.Id, "test pipeline", scope);
        Assert.True(issued.IsSuccess, issued.Error?.Message);
        return issued.Value!;
    }

    public static HttpClient CreateApiClient<TEntry>(this WebApplicationFactory<TEntry> factory, string? secret)
        where TEntry : class
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        return client;
    }

    /// <summary>A researcher and a write key for their organisation.</summary>
    public static async Task<(AppUser Researcher, HttpClient Api)> ResearcherWithApiAsync(this LabelPlatformFactory factory, ApiKeyScope scope = ApiKeyScope.Write)
    {
        var researcher = await factory.SignUpAsync(LabelPlatform.Accounts.SignUp.AccountKind.Researcher);
        var key = await factory.IssueKeyAsync(researcher, scope);
        return (researcher, factory.CreateApiClient(key.Secret));
    }
}
