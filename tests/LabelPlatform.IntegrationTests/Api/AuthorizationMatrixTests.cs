using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using LabelPlatform.Web.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Api;

/// <summary>
/// Who may use what, for every endpoint, page and hub method the app has, read from the app's own
/// lists: each must have a decision here, so a new one without a decision fails this test; each
/// decision is then checked against every role (and, where it takes a job or item, another
/// organisation's).
/// </summary>
public class AuthorizationMatrixTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    public enum Access
    {
        /// <summary>Anyone; the endpoint checks what it needs itself (a signature, a token, credentials).</summary>
        Anonymous,

        /// <summary>Any signed-in account; the endpoint checks the data is theirs.</summary>
        SignedIn,
        Worker,
        Researcher,
        ReviewerOrAdmin,
        Admin,

        /// <summary>Only an API key: a signed-in browser of any role is refused (ApiKeyTests check keys, scopes and revocation).</summary>
        ApiKey,
    }

    private static readonly Dictionary<string, Access> Endpoints = new()
    {
        ["POST /api/account/login"] = Access.Anonymous,
        ["POST /api/account/signup"] = Access.Anonymous,
        ["POST /api/account/forgot"] = Access.Anonymous, // the same answer for every address
        ["POST /api/account/reset"] = Access.Anonymous, // needs the mailed token
        ["GET /api/account/antiforgery"] = Access.Anonymous,
        ["POST /api/account/logout"] = Access.Anonymous, // needs the page's antiforgery token
        ["POST /api/stripe/webhook"] = Access.Anonymous, // needs Stripe's signature
        ["POST /api/stripe/connect-webhook"] = Access.Anonymous, // needs the Connect endpoint's signature
        ["GET /api/billing/statement.csv"] = Access.Researcher,
        ["GET /api/jobs/{jobId:guid}/results.csv"] = Access.Researcher,
        ["GET /items/{itemId:guid}/file"] = Access.SignedIn,
        ["GET /work/files/{token}"] = Access.Worker,
        ["GET /review/files/{token}"] = Access.ReviewerOrAdmin,
        ["GET /jobs/{jobId:guid}/examples/{exampleId:guid}/file"] = Access.SignedIn,
        ["* /health/live"] = Access.Anonymous,
        ["* /health/ready"] = Access.Anonymous,
        ["* /health"] = Access.Admin,
        ["* /hubs/queue"] = Access.SignedIn,
        ["* /hubs/queue/negotiate"] = Access.SignedIn,
        ["GET /api/v1/jobs"] = Access.ApiKey,
        ["POST /api/v1/jobs"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}"] = Access.ApiKey,
        ["PUT /api/v1/jobs/{jobId:guid}"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/launch"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/pause"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/resume"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/cancel"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/progress"] = Access.ApiKey,
        ["GET /api/v1/balance"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/items"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/items"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/labels"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/model"] = Access.ApiKey,
        ["PUT /api/v1/jobs/{jobId:guid}/quality"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/prefilter"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/prefilter"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/bonuses"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/examples"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/examples"] = Access.ApiKey,
        ["DELETE /api/v1/jobs/{jobId:guid}/examples/{exampleId:guid}"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/workers"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/rejection-reasons"] = Access.ApiKey,
        ["PUT /api/v1/jobs/{jobId:guid}/rejection-reasons"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/items/{itemId:guid}"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/export"] = Access.ApiKey,
        ["POST /api/v1/jobs/{jobId:guid}/exports"] = Access.ApiKey,
        ["GET /api/v1/jobs/{jobId:guid}/exports"] = Access.ApiKey,
        ["GET /api/v1/exports/{exportId:guid}"] = Access.ApiKey,
        ["GET /api/v1/exports/{exportId:guid}/file"] = Access.ApiKey,
        ["GET /api/v1/webhooks"] = Access.ApiKey,
        ["POST /api/v1/webhooks"] = Access.ApiKey,
        ["GET /api/v1/webhooks/{endpointId:guid}"] = Access.ApiKey,
        ["PATCH /api/v1/webhooks/{endpointId:guid}"] = Access.ApiKey,
        ["DELETE /api/v1/webhooks/{endpointId:guid}"] = Access.ApiKey,
        ["POST /api/v1/webhooks/{endpointId:guid}/rotate-secret"] = Access.ApiKey,
        ["POST /api/v1/webhooks/{endpointId:guid}/test"] = Access.ApiKey,
        ["GET /api/v1/webhooks/{endpointId:guid}/deliveries"] = Access.ApiKey,
        ["GET /api/v1/webhook-deliveries/{deliveryId:guid}"] = Access.ApiKey,
        ["POST /api/v1/webhook-deliveries/{deliveryId:guid}/redeliver"] = Access.ApiKey,
        ["GET /api/v1/balance/alert"] = Access.ApiKey,
        ["PUT /api/v1/balance/alert"] = Access.ApiKey,
        ["GET /exports/{exportId:guid}/file"] = Access.Researcher,
        ["GET /api/problems/{code}"] = Access.Anonymous, // what each problem type of the API means
        ["GET /openapi/{documentName}.json"] = Access.Anonymous, // the API's description
        ["GET /api/docs/{documentName?}"] = Access.Anonymous, // the API's reference page and its scripts
        ["GET /api/docs/scalar.js"] = Access.Anonymous,
        ["GET /api/docs/scalar.aspnetcore.js"] = Access.Anonymous,
        ["GET /api/docs/favicon.svg"] = Access.Anonymous,
        ["GET {**path:file}"] = Access.Anonymous, // the site's static files
        ["HEAD {**path:file}"] = Access.Anonymous,
    };

    private static readonly Dictionary<string, Access> Pages = new()
    {
        ["/"] = Access.Anonymous,
        ["/error"] = Access.Anonymous,
        ["/not-found"] = Access.Anonymous,
        ["/account/login"] = Access.Anonymous,
        ["/account/signup"] = Access.Anonymous,
        ["/account/denied"] = Access.Anonymous,
        ["/account/forgot"] = Access.Anonymous,
        ["/account/confirm"] = Access.Anonymous,
        ["/account/reset"] = Access.Anonymous,
        ["/jobs"] = Access.Researcher,
        ["/jobs/new"] = Access.Researcher,
        ["/jobs/{JobId:guid}"] = Access.Researcher,
        ["/billing"] = Access.Researcher,
        ["/api-keys"] = Access.Researcher,
        ["/webhooks"] = Access.Researcher,
        ["/work"] = Access.Worker,
        ["/work/next"] = Access.Worker,
        ["/work/rejected"] = Access.Worker,
        ["/work/earnings"] = Access.Worker,
        ["/work/{JobId:guid}"] = Access.Worker,
        ["/review"] = Access.ReviewerOrAdmin,
        ["/review/undecided"] = Access.ReviewerOrAdmin,
        ["/admin/users"] = Access.Admin,
        ["/admin/billing"] = Access.Admin,
    };

    private static readonly Dictionary<string, string> HubMethods = new()
    {
        [nameof(QueueHub.WatchJob)] = "researchers of the job's organisation only (QueueHubTests)",
        [nameof(QueueHub.WatchWork)] = "workers only (QueueHubTests)",
    };

    [Fact]
    public void EveryEndpoint_HasADecision()
    {
        var unknown = AppEndpoints().Select(e => e.Key).Where(k => !Endpoints.ContainsKey(k)).ToList();
        var gone = Endpoints.Keys.Where(k => !AppEndpoints().Any(e => e.Key == k)).ToList();

        Assert.True(unknown.Count == 0, "Endpoints with no decision in the matrix: " + string.Join(", ", unknown));
        Assert.True(gone.Count == 0, "The matrix names endpoints the app no longer has: " + string.Join(", ", gone));
    }

    [Fact]
    public void EveryPage_AsksForTheRolesItsDecisionSays()
    {
        var pages = typeof(LabelPlatform.Web.WebSetup).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (Route: r.Template, Type: t)))
            .ToList();

        foreach (var (route, type) in pages)
        {
            Assert.True(Pages.TryGetValue(route, out var access), $"The page {route} ({type.Name}) has no decision in the matrix.");
            var authorize = type.GetCustomAttributes<AuthorizeAttribute>().ToList();
            var roles = authorize.SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
            var expected = access switch
            {
                Access.Anonymous => [],
                Access.Worker => [Roles.Worker],
                Access.Researcher => [Roles.Researcher],
                Access.ReviewerOrAdmin => [Roles.Reviewer, Roles.Admin],
                Access.Admin => new HashSet<string> { Roles.Admin },
                _ => throw new InvalidOperationException(),
            };
            Assert.True(expected.SetEquals(roles), $"{route} asks for [{string.Join(", ", roles)}]; the matrix says {access}.");
            Assert.Equal(access != Access.Anonymous, authorize.Count > 0);
        }

        Assert.Equal(Pages.Keys.Order(), pages.Select(p => p.Route).Distinct().Order());
    }

    [Fact]
    public void EveryHubMethod_HasADecision()
    {
        var methods = typeof(QueueHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name).ToHashSet();

        Assert.True(methods.SetEquals(HubMethods.Keys), $"Hub methods: {string.Join(", ", methods)}; decided: {string.Join(", ", HubMethods.Keys)}.");
        Assert.NotNull(typeof(QueueHub).GetCustomAttribute<AuthorizeAttribute>());
    }

    [Fact]
    public async Task EveryEndpoint_AnswersEachRoleAsItsDecisionSays()
    {
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = factory.CreateBrowser(),
            ["worker"] = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Worker)),
            ["researcher"] = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Researcher)),
            ["reviewer"] = await factory.SignInAsync(await factory.SignUpWithRoleAsync(Roles.Reviewer)),
            ["admin"] = await factory.SignInAsync(await factory.SignUpWithRoleAsync(Roles.Admin)),
        };
        var wrong = new List<string>();
        foreach (var (key, access) in Endpoints)
        {
            var (method, path) = Request(key);
            foreach (var (role, client) in clients)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" && !path.Contains("/negotiate", StringComparison.Ordinal) ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") : null };
                using var response = await client.SendAsync(request);
                // Refused by authorization: a 401 or 403 (the API's with a Bearer challenge), or a redirect to sign in.
                // (An endpoint's own refusal, such as wrong credentials, explains itself as problem details.)
                var ownAnswer = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                var refused = (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                        && (!ownAnswer || response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer")))
                    || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/", StringComparison.Ordinal) == true);
                if (refused == Allowed(access, role))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    wrong.Add($"{key} as {role}: {(int)response.StatusCode} ({(refused ? "refused" : "let in")}; the matrix says {access}) {body[..Math.Min(body.Length, 200)]}");
                }
            }
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public async Task JobsAndItems_OfAnotherOrganisation_AreNotFound()
    {
        var owner = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateRunningJobAsync(owner, items: 1, answersPerItem: 1);
        var item = (await factory.ItemsAsync(job.Id)).Single();
        using var ownClient = await factory.SignInAsync(owner);
        using var stranger = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Researcher));
        using var worker = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Worker));

        foreach (var path in new[] { $"/api/jobs/{job.Id}/results.csv", $"/items/{item.Id}/file" })
        {
            using var own = await ownClient.GetAsync(path);
            using var other = await stranger.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        // A worker never gets a picture by the item's id (their pages use sealed assignment links).
        using var notHeld = await worker.GetAsync($"/items/{item.Id}/file");
        Assert.Equal(HttpStatusCode.NotFound, notHeld.StatusCode);
    }

    private static bool Allowed(Access access, string role) => access switch
    {
        Access.Anonymous => true,
        Access.SignedIn => role != "anonymous",
        Access.Worker => role is "worker" or "reviewer" or "admin", // reviewers and admins here are worker accounts with a role added
        Access.Researcher => role == "researcher",
        Access.ReviewerOrAdmin => role is "reviewer" or "admin",
        Access.Admin => role == "admin",
        _ => false,
    };

    /// <summary>A concrete request for a route: each parameter a new id; any method: GET (POST to negotiate a connection).</summary>
    private static (string Method, string Path) Request(string key)
    {
        var (method, pattern) = (key[..key.IndexOf(' ')], key[(key.IndexOf(' ') + 1)..]);
        var path = Regex.Replace(pattern, @"\{[^}]+\}", _ => Guid.NewGuid().ToString());
        return path.EndsWith("/negotiate", StringComparison.Ordinal) ? ("POST", path + "?negotiateVersion=1") : (method == "*" ? "GET" : method, path);
    }

    /// <summary>The app's HTTP endpoints as "METHOD pattern", without static files, pages and the framework's own circuit endpoints.</summary>
    private IEnumerable<KeyValuePair<string, Endpoint>> AppEndpoints() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.All(m => m.GetType().Name != "ComponentTypeMetadata")
                && e.Metadata.All(m => m.GetType().Name != "StaticAssetDescriptor")
                && !(e.RoutePattern.RawText ?? "").StartsWith("/_", StringComparison.Ordinal)
                && !(e.RoutePattern.RawText ?? "").StartsWith("_", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => new KeyValuePair<string, Endpoint>($"{m} {e.RoutePattern.RawText}", e)));
}
