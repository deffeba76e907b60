using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A worker draws boxes with the mouse on coins.png; the stored boxes are in the image's own pixels.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class BoxWorkspaceTests(BrowserFixture app)
{
    private const int ImageWidth = 384;
    private const int ImageHeight = 303;
    private static readonly string[] Classes = ["coin", "shadow", "scratch"];

    [BrowserFact]
    public async Task BoxJob_DrawResizeDeleteAndReclassZoomedIn_StoredBoxesMatchDrawnPixels()
    {
        var job = await app.CreateRunningJobAsync(TaskKind.BoundingBoxes, Classes, CoinsZip());
        var page = await app.OpenWorkspaceAsync(job);
        var editor = await ReadyEditorAsync(page);

        // Zoom in once with the keyboard: the drawing must not depend on one screen pixel being one image pixel.
        var fitted = await EditorView.MeasureAsync(editor);
        await Assertions.Expect(editor).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("+");
        var view = fitted with { Zoom = fitted.Zoom * 1.25 };
        Assert.True(Math.Abs(view.Zoom - 1) > 0.1, $"The test needs a zoom other than 100%; it is {view.Zoom:P0}.");

        await DragAsync(page, view, (100, 60), (160, 120));
        await Assertions.Expect(page.Locator(".lp-box-row")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("2");
        await Assertions.Expect(page.Locator(".lp-box-classes [data-class=shadow]")).ToHaveAttributeAsync("aria-checked", "true");
        await DragAsync(page, view, (200, 60), (250, 110));
        await DragAsync(page, view, (190, 230), (120, 160)); // drawn from bottom right to top left
        var rows = page.Locator(".lp-box-row");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("coin");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("shadow");
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("shadow");

        // Select the first box, then drag its bottom-right handle 15 px right and 10 px down.
        await ClickAsync(page, view, (130, 90));
        await Assertions.Expect(rows.Nth(0)).ToHaveClassAsync("lp-box-row lp-selected");
        await DragAsync(page, view, (160, 120), (175, 130));
        await Assertions.Expect(rows.Nth(0).Locator(".lp-box-size")).ToContainTextAsync(" at 100, 60");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete box 2" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await page.GetByLabel("Class of box 2").SelectOptionAsync("scratch");
        await Assertions.Expect(rows.Nth(1).Locator(".lp-box-pick")).ToContainTextAsync("scratch");
        await WorkspaceSteps.SaveScreenshotAsync(page, "workspace-boxes.png");

        var submit = page.Locator(".lp-submit");
        await Assertions.Expect(submit).ToContainTextAsync("Submit 2 boxes");
        await submit.ClickAsync();
        await Assertions.Expect(page.Locator(".lp-session-count")).ToHaveTextAsync("Answered this session: 1");

        var answer = Assert.Single((await app.SubmittedAnswersAsync(job.Id)).Values);
        Assert.Empty(answer.Labels);
        Assert.Collection(
            answer.Boxes,
            box => AssertBox(new BoundingBox("coin", 100, 60, 75, 70), box),
            box => AssertBox(new BoundingBox("scratch", 120, 160, 70, 70), box));
    }

    [BrowserFact]
    public async Task BoxDraft_ReloadMidTask_BoxIsBackAndEnterSubmitsIt()
    {
        var job = await app.CreateRunningJobAsync(TaskKind.BoundingBoxes, Classes, CoinsZip());
        var page = await app.OpenWorkspaceAsync(job);
        var editor = await ReadyEditorAsync(page);
        var view = await EditorView.MeasureAsync(editor);

        await DragAsync(page, view, (40, 30), (110, 95));
        await Assertions.Expect(page.Locator(".lp-box-row")).ToHaveCountAsync(1);
        await WorkspaceSteps.WaitForLocalDraftAsync(page, "a => a.boxes.length === 1");

        await page.ReloadAsync();
        var row = page.Locator(".lp-box-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("coin");
        await Assertions.Expect(row.Locator(".lp-box-size")).ToHaveTextAsync("70 × 65 at 40, 30");

        // Enter from the editor (focused when the item appears) submits the restored box.
        await Assertions.Expect(page.Locator(".lp-box-editor")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".lp-session-count")).ToHaveTextAsync("Answered this session: 1");

        var answer = Assert.Single((await app.SubmittedAnswersAsync(job.Id)).Values);
        AssertBox(new BoundingBox("coin", 40, 30, 70, 65), Assert.Single(answer.Boxes));
    }

    private static MemoryStream CoinsZip() => TestZips.Build(("coins.png", File.ReadAllBytes(TestZips.DataPath("coins.png"))));

    /// <summary>The editor, once the image is drawn on its canvas (the middle row of the image is no longer one flat colour).</summary>
    private static async Task<ILocator> ReadyEditorAsync(IPage page)
    {
        var editor = page.Locator(".lp-box-editor");
        await Assertions.Expect(editor).ToBeVisibleAsync();
        await page.WaitForFunctionAsync(
            """
            () => {
              const canvas = document.querySelector(".lp-box-editor canvas.lp-box-editor-image");
              if (!canvas || canvas.width < 100) return false;
              const row = canvas.getContext("2d").getImageData(Math.round(canvas.width * 0.3), Math.round(canvas.height / 2), Math.round(canvas.width * 0.4), 1).data;
              for (let i = 4; i < row.length; i += 4) if (row[i] !== row[0]) return true;
              return false;
            }
            """);
        return editor;
    }

    private static void AssertBox(BoundingBox expected, BoundingBox actual)
    {
        Assert.Equal(expected.Label, actual.Label);
        Assert.False(actual.Suggested);
        var tolerance = 1.0;
        Assert.True(
            Math.Abs(actual.X - expected.X) <= tolerance && Math.Abs(actual.Y - expected.Y) <= tolerance
            && Math.Abs(actual.W - expected.W) <= tolerance && Math.Abs(actual.H - expected.H) <= tolerance,
            $"Expected {expected.Label} at {expected.X},{expected.Y} {expected.W}×{expected.H} (±1 px); stored {actual.X},{actual.Y} {actual.W}×{actual.H}.");
    }

    /// <summary>Presses at one image point, moves to another in small steps and lets go: draws on empty image, resizes on a handle.</summary>
    private static async Task DragAsync(IPage page, EditorView view, (double X, double Y) from, (double X, double Y) to)
    {
        var (x1, y1) = view.ToScreen(from);
        var (x2, y2) = view.ToScreen(to);
        await page.Mouse.MoveAsync(x1, y1);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x2, y2, new() { Steps = 8 });
        await page.Mouse.UpAsync();
    }

    private static async Task ClickAsync(IPage page, EditorView view, (double X, double Y) at)
    {
        var (x, y) = view.ToScreen(at);
        await page.Mouse.ClickAsync(x, y);
    }

    /// <summary>
    /// Where the editor shows an image pixel, worked out the way a person sees it: the image fitted
    /// into the host with an 8 px margin and centred; zooming with + keeps the centre where it was.
    /// </summary>
    private sealed record EditorView(double Left, double Top, double Width, double Height, double Zoom)
    {
        private const double FitMargin = 8;

        public static async Task<EditorView> MeasureAsync(ILocator host)
        {
            var box = await host.EvaluateAsync<double[]>(
                "h => { const r = h.getBoundingClientRect(); return [r.left + h.clientLeft, r.top + h.clientTop, h.clientWidth, h.clientHeight]; }");
            var (width, height) = (box[2], box[3]);
            var zoom = Math.Min((width - 2 * FitMargin) / ImageWidth, (height - 2 * FitMargin) / ImageHeight);
            return new EditorView(box[0], box[1], width, height, zoom);
        }

        public (float X, float Y) ToScreen((double X, double Y) image)
        {
            var x = Left + (Width - ImageWidth * Zoom) / 2 + image.X * Zoom;
            var y = Top + (Height - ImageHeight * Zoom) / 2 + image.Y * Zoom;
            Assert.True(x > Left && x < Left + Width && y > Top && y < Top + Height, $"Image point {image} is off screen at zoom {Zoom:0.###}.");
            return ((float)x, (float)y);
        }
    }
}
