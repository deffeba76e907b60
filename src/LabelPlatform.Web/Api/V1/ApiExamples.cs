using LabelPlatform.Exports.ItemResults;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;

namespace LabelPlatform.Web.Api.V1;

/// <summary>The answers the OpenAPI document shows for each endpoint (one made-up job, consistent across them).</summary>
internal static class ApiExamples
{
    private static readonly DateTimeOffset Created = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);
    private static readonly Guid JobId = Guid.Parse("0193a5b0-7c1e-7d2a-9f10-2b3c4d5e6f70");
    private static readonly Guid ItemId = Guid.Parse("0193a5b1-0a4f-7b11-8c22-3d4e5f607182");

    public static readonly JobResponse Job = JobResponse.From(new Job
    {
        Id = JobId,
        Name = JobRequest.Example.Name,
        Instructions = JobRequest.Example.Instructions!,
        Labels = [.. JobRequest.Example.Labels],
        AnswersPerItem = 3,
        PricePerAnswer = 5,
        CreatedAt = Created,
    });

    public static readonly JobResponse LaunchedJob = Job with { Status = JobStatus.Running, FeePerAnswer = 1, LaunchedAt = Created.AddMinutes(5) };

    public static readonly Page<JobResponse> Jobs = new([LaunchedJob], "MDE5M2E1YjAtN2MxZS03ZDJhLTlmMTAtMmIzYzRkNWU2Zjcw");

    public static readonly JobProgress Progress = new(
        JobId, JobStatus.Running, 1200, 455, 80, 665, 1610, 3600, 44.72, 12, new ReviewProgress(3, 1540, 41, 22, 4, 0), 0.81,
        new JobCost("USD", 21600, 8050, 1610, 0));

    public static readonly BalanceResponse Balance = new([new CurrencyBalance("USD", 78400, 100000, 21600, 8050, 1610, 0)]);

    private static readonly ItemSummary Item = new(ItemId, 0, "signs/0001.jpg", false, "done", 3, ["round"], [], 0.994f, "crowd", Created.AddHours(2));

    public static readonly Page<ItemSummary> Items = new([Item], "0");

    public static readonly ItemResult ItemWithAnswers = new(
        Item,
        [
            new ItemAnswer("w_3f9a1c2b7d4e5f60", Created.AddMinutes(40), ["round"], [], "Accepted",
                [new ItemVerdict(2, "Accepted", "model agrees (0.97)", "round", 0.97f, Created.AddMinutes(41))]),
            new ItemAnswer("w_8b2d4f6a1c3e5b70", Created.AddMinutes(52), ["round"], [], "Accepted", []),
        ],
        null,
        null);

    public static readonly WebhookEndpointResponse Webhook = new(
        Guid.Parse("0193a5b3-2222-7333-8444-555566667777"), "https://ml.example.com/hooks/labelplatform", "training pipeline",
        ["job.completed", "items.settled", "export.ready"], true, "whsec_0f1e2d…", null, Created.AddDays(-1));

    public static readonly WebhookDeliveryResponse Delivery = new(
        Guid.Parse("0193a5b4-3333-7444-8555-666677778888"), Webhook.Id, "evt_0193a5b4444475558666777788889999", "job.completed", "delivered", 1,
        Created.AddHours(5), null, Created.AddHours(5), 200, null, Created.AddHours(5));

    public static readonly WebhookDeliveryResponse DeliveryWithAttempts = Delivery with
    {
        Attempts = 2,
        Payload = "{\"id\":\"evt_0193a5b4444475558666777788889999\",\"type\":\"job.completed\",\"created_at\":\"2026-12-07T14:30:00+00:00\",\"organisation_id\":\"0193a5af-0000-7000-8000-000000000001\",\"data\":{\"job_id\":\"0193a5b0-7c1e-7d2a-9f10-2b3c4d5e6f70\",\"name\":\"Street signs\",\"status\":\"completed\"}}",
        Tries =
        [
            new WebhookAttemptResponse(Created.AddHours(5), 500, "Answered 500 Internal Server Error.", 84, "upstream busy", false),
            new WebhookAttemptResponse(Created.AddHours(5).AddMinutes(1), 200, null, 41, "ok", false),
        ],
    };

    public static readonly ExampleResponse Example = new(
        Guid.Parse("0193a5b5-4444-7555-8666-777788889999"), 1, "A **stop** sign half behind a tree is still a stop sign: box the part you can see.", true, 640, 480, Created);

    public static readonly PrefilterResponse Prefilter = new(
        Guid.Parse("0193a5b6-5555-7666-8777-888899990000"), "finished", 1200, 1200, 100, 912, 288, 46, 0, 0.95f, 0.05f, true, null, Created.AddMinutes(2), Created.AddMinutes(6), 31, 30);

    public static readonly ExportResponse Export = new(
        Guid.Parse("0193a5b2-1111-7222-8333-444455556666"), JobId, "coco", "running", 37.5, 450, 1200, 0, "Street-signs-results.coco.json",
        null, Created.AddHours(3), null, null, null);
}
