using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace LabelPlatform.Bench.Workspace;

/// <summary>
/// The classification loop as a worker does it by keyboard: a digit chooses the label, Enter submits,
/// and the next item's image appears. Timed in the page from the Enter keydown to the new image
/// loaded (probe.js), for <see cref="WorkspaceRunPlan.Items"/> items after <see cref="WorkspaceRunPlan.Warmup"/>.
/// </summary>
public static class SubmitToNext
{
    private sealed record Shown(string? Before, string Item, double Ms, double PaintedMs, double ChangedMs);

    public static async Task RunAsync(IPage page, WorkspaceRunPlan plan)
    {
        await page.GotoAsync($"/work/{plan.ClassifyJob}");
        var image = page.Locator("img[data-assignment]");
        await Assertions.Expect(image).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('img[data-assignment]'); return i && i.complete && i.naturalWidth > 0; }");

        var loaded = new List<double>();
        var painted = new List<double>();
        var changed = new List<double>();
        var seen = new HashSet<string>();
        for (var i = 0; i < plan.Warmup + plan.Items; i++)
        {
            var before = await page.EvaluateAsync<string?>("() => window.__lpBench.armNext()")
                ?? throw new InvalidOperationException("No item on the page: the job ran out of work or the page failed.");
            if (!seen.Add(before))
            {
                throw new InvalidOperationException($"Item {before} was shown twice.");
            }

            var digit = (i % 10).ToString(CultureInfo.InvariantCulture);
            await page.Keyboard.PressAsync(digit);
            await Assertions.Expect(page.Locator($"[role=radio][data-label='{digit}']")).ToHaveAttributeAsync("aria-checked", "true");
            if (plan.ThinkMs > 0)
            {
                // A person looks at the chosen label before pressing Enter; the draft it saved is stored by then.
                await Task.Delay(plan.ThinkMs);
            }

            await page.Keyboard.PressAsync("Enter");
            var shown = (await page.EvaluateAsync<JsonElement>("() => window.__lpBench.waitNext()")).Deserialize<Shown>(JsonOptions)!;
            if (i == plan.Warmup)
            {
                await WorkspaceBrowser.ScreenshotAsync(page, plan, "classification.png");
            }

            if (i >= plan.Warmup)
            {
                loaded.Add(shown.Ms);
                painted.Add(shown.PaintedMs);
                changed.Add(shown.ChangedMs);
            }
        }

        var answered = await page.Locator(".lp-session-count").InnerTextAsync();
        loaded.Sort();
        painted.Sort();
        changed.Sort();
        Console.WriteLine($"Submit to next: {plan.Items} items after {plan.Warmup} warm-up ({answered.Trim()}), {plan.ThinkMs} ms between choosing and Enter");
        Console.WriteLine($"  Enter → next item on the page: p50 {WorkspaceBrowser.Ms(Measure.Percentile(changed, 50))} ms, p95 {WorkspaceBrowser.Ms(Measure.Percentile(changed, 95))} ms, max {WorkspaceBrowser.Ms(changed[^1])} ms");
        Console.WriteLine($"  Enter → next image loaded:     p50 {WorkspaceBrowser.Ms(Measure.Percentile(loaded, 50))} ms, p95 {WorkspaceBrowser.Ms(Measure.Percentile(loaded, 95))} ms, max {WorkspaceBrowser.Ms(loaded[^1])} ms");
        Console.WriteLine($"  Enter → the frame after it:    p50 {WorkspaceBrowser.Ms(Measure.Percentile(painted, 50))} ms, p95 {WorkspaceBrowser.Ms(Measure.Percentile(painted, 95))} ms, max {WorkspaceBrowser.Ms(painted[^1])} ms");
        Measure.Print("submit_next", ("items", plan.Items), ("warmup", plan.Warmup), ("think_ms", plan.ThinkMs),
            ("p50_ms", Measure.Percentile(loaded, 50)), ("p95_ms", Measure.Percentile(loaded, 95)), ("max_ms", loaded[^1]),
            ("painted_p50_ms", Measure.Percentile(painted, 50)), ("painted_p95_ms", Measure.Percentile(painted, 95)), ("painted_max_ms", painted[^1]),
            ("changed_p50_ms", Measure.Percentile(changed, 50)), ("changed_p95_ms", Measure.Percentile(changed, 95)), ("changed_max_ms", changed[^1]));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
