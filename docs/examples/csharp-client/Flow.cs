using LabelPlatform.ClientSample.Api;
using LabelPlatform.ClientSample.Api.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace LabelPlatform.ClientSample;

/// <summary>The flow docs/api.md shows, with the generated client: create a box job, upload images, subscribe a webhook, launch, read progress, export COCO.</summary>
public static class Flow
{
    /// <summary>A client for the site at <paramref name="baseUrl"/> with an API key (from the API keys page).</summary>
    public static LabelPlatformClient Connect(string baseUrl, string apiKey, HttpClient? http = null) =>
        new(new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticToken(apiKey)), httpClient: http) { BaseUrl = baseUrl });

    public sealed record Outcome(Guid JobId, int ItemsAdded, string WebhookSecret, JobStatus? Status, int? Items, byte[] Coco);

    public static async Task<Outcome> RunAsync(LabelPlatformClient client, string zipPath, string webhookUrl, CancellationToken ct = default)
    {
        var job = await client.Api.V1.Jobs.PostAsync(new JobRequest
        {
            Name = "Street signs",
            Instructions = "Draw a box around every **traffic sign**.",
            Kind = TaskKind.BoundingBoxes,
            Labels = ["stop", "yield", "speed"],
            AnswersPerItem = 2,
            PricePerAnswer = 8, // minor units: $0.08
        }, cancellationToken: ct) ?? throw new InvalidOperationException("No job came back.");
        var jobApi = client.Api.V1.Jobs[job.Id!.Value];

        var upload = new MultipartBody();
        await using var zip = File.OpenRead(zipPath);
        upload.AddOrReplacePart("file", "application/zip", zip, Path.GetFileName(zipPath));
        var items = await jobApi.Items.PostAsync(upload, cancellationToken: ct);

        // Told when the job completes or an export is ready, instead of polling.
        var hook = await client.Api.V1.Webhooks.PostAsync(new WebhookEndpointRequest { Url = webhookUrl, Events = ["job.completed", "export.ready"] }, cancellationToken: ct);

        var launched = await jobApi.Launch.PostAsync(cancellationToken: ct);
        var progress = await jobApi.Progress.GetAsync(cancellationToken: ct);

        await using var coco = await jobApi.Export.GetAsync(r => r.QueryParameters.Format = "coco", ct) ?? Stream.Null;
        using var bytes = new MemoryStream();
        await coco.CopyToAsync(bytes, ct);
        return new Outcome(job.Id.Value, items?.ItemsAdded ?? 0, hook?.Secret ?? "", launched?.Status, progress?.Items, bytes.ToArray());
    }

    /// <summary>The API key as the bearer token on every request.</summary>
    private sealed class StaticToken(string key) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(key);
    }
}
