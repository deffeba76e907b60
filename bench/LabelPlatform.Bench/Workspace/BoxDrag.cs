using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace LabelPlatform.Bench.Workspace;

/// <summary>
/// One box dragged around among all the suggested boxes on the big image, by the mouse, for
/// <see cref="WorkspaceRunPlan.DragSeconds"/>: the box editor's own frame times (the work of each
/// requestAnimationFrame draw, box-editor.js stats()) and the intervals between frames.
/// </summary>
public static class BoxDrag
{
    private const double Radius = 120; // CSS px: the box circles around where it was picked up

    private sealed record Target(int Index, int Boxes, double Zoom, double Width, double Height, double BoxX, double BoxY, double X, double Y, double ScreenW, double ScreenH);

    private sealed record EditorStats(int Frames, double P50FrameMs, double P95FrameMs, double MaxFrameMs);

    private sealed record Recording(EditorStats Stats, List<double> Intervals, List<double> Rendering, int Selected, double BoxX, double BoxY);

    public static async Task RunAsync(IPage page, WorkspaceRunPlan plan)
    {
        await page.GotoAsync($"/work/{plan.BoxJob}");
        await page.WaitForFunctionAsync("() => window.__lpBench.editorReady()", null, new() { Timeout = 60_000 });
        // Two frames for the image layer to be drawn once the image is in.
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");

        // Warm-up: the same gesture, shorter, so the measured one runs JIT-compiled code. Then Escape
        // deselects, so the measured press picks up an unselected box as a worker's first press does,
        // and the boxes the warm-up sent to .NET (draft, box list) are saved and shown before it starts.
        await DragAsync(page, TimeSpan.FromSeconds(Math.Min(1, plan.DragSeconds / 3)));
        await page.Keyboard.PressAsync("Escape");
        await Task.Delay(1_000);
        var (target, moves, recording) = await DragAsync(page, TimeSpan.FromSeconds(plan.DragSeconds));
        await WorkspaceBrowser.ScreenshotAsync(page, plan, "box-drag.png");

        if (recording.Selected != target.Index || (recording.BoxX == target.BoxX && recording.BoxY == target.BoxY))
        {
            throw new InvalidOperationException($"The drag did not move box {target.Index} (selected: box {recording.Selected}): the press missed it.");
        }

        var intervals = recording.Intervals.Order().ToList();
        var rendering = recording.Rendering.Order().ToList();
        var stats = recording.Stats;
        Console.WriteLine($"Box drag: {target.Boxes} boxes, image fitted at zoom {target.Zoom:0.###} in a {target.Width:0}×{target.Height:0} px editor; " +
            $"box {target.Index} ({target.ScreenW:0}×{target.ScreenH:0} px on screen) dragged for {plan.DragSeconds:0.#} s with {moves} mouse moves");
        Console.WriteLine($"  editor frame work: {stats.Frames} frames, p50 {WorkspaceBrowser.Ms(stats.P50FrameMs)} ms, p95 {WorkspaceBrowser.Ms(stats.P95FrameMs)} ms, max {WorkspaceBrowser.Ms(stats.MaxFrameMs)} ms");
        Console.WriteLine($"  frame main-thread: {rendering.Count} frames, p50 {WorkspaceBrowser.Ms(Measure.Percentile(rendering, 50))} ms, " +
            $"p95 {WorkspaceBrowser.Ms(Measure.Percentile(rendering, 95))} ms, max {WorkspaceBrowser.Ms(rendering.LastOrDefault())} ms (rAF to after paint)");
        Console.WriteLine($"  frame interval:    {intervals.Count} intervals, p50 {WorkspaceBrowser.Ms(Measure.Percentile(intervals, 50))} ms, " +
            $"p95 {WorkspaceBrowser.Ms(Measure.Percentile(intervals, 95))} ms, max {WorkspaceBrowser.Ms(intervals.LastOrDefault())} ms, " +
            $"{intervals.Count(i => i > 25)} over 25 ms (a frame dropped)");

        Measure.Print("drag", ("boxes", target.Boxes), ("seconds", plan.DragSeconds), ("moves", moves), ("frames", stats.Frames),
            ("p50_frame_ms", stats.P50FrameMs), ("p95_frame_ms", stats.P95FrameMs), ("max_frame_ms", stats.MaxFrameMs),
            ("p50_main_ms", Measure.Percentile(rendering, 50)), ("p95_main_ms", Measure.Percentile(rendering, 95)), ("max_main_ms", rendering.LastOrDefault()),
            ("p50_interval_ms", Measure.Percentile(intervals, 50)), ("p95_interval_ms", Measure.Percentile(intervals, 95)),
            ("max_interval_ms", intervals.LastOrDefault()), ("dropped", intervals.Count(i => i > 25)));
    }

    /// <summary>Presses on a box, circles with it for <paramref name="length"/>, and lets go; the frames are recorded from just before the press.</summary>
    private static async Task<(Target Target, int Moves, Recording Recording)> DragAsync(IPage page, TimeSpan length)
    {
        var target = (await page.EvaluateAsync<JsonElement>("() => window.__lpBench.boxTarget()")).Deserialize<Target>(JsonOptions)!;
        await page.Mouse.MoveAsync((float)target.X, (float)target.Y);
        await page.EvaluateAsync("() => window.__lpBench.startFrames()");
        await page.Mouse.DownAsync();
        var moves = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < length)
        {
            // One turn a second, starting where the box was picked up.
            var angle = clock.Elapsed.TotalSeconds * 2 * Math.PI;
            await page.Mouse.MoveAsync((float)(target.X + (Radius * Math.Sin(angle))), (float)(target.Y + (Radius * (1 - Math.Cos(angle)))));
            moves++;
        }

        var recording = (await page.EvaluateAsync<JsonElement>("() => window.__lpBench.stopFrames()")).Deserialize<Recording>(JsonOptions)!;
        await page.Mouse.UpAsync();
        return (target, moves, recording);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
