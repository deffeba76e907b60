using Microsoft.Playwright;

namespace LabelPlatform.Bench.Workspace;

public sealed record WorkspaceRunPlan(
    string BaseUrl, string Email, string Password, Guid ClassifyJob, Guid BoxJob,
    int Warmup, int Items, int ThinkMs, double DragSeconds, int ViewportWidth, int ViewportHeight, string? Screenshots);

/// <summary>
/// Debian's Chromium, driven by Playwright, signed in as the seeded worker on the running web app:
/// first the classification loop (<see cref="SubmitToNext"/>), then a drag in the box editor (<see cref="BoxDrag"/>).
/// </summary>
public static class WorkspaceBrowser
{
    public static async Task RunAsync(WorkspaceRunPlan plan)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("LP_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // As the end-to-end tests launch it; with no GPU the canvases are drawn in software, which is
            // the worst case for the box editor.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"],
        });
        Console.WriteLine($"Chromium {browser.Version}, viewport {plan.ViewportWidth}×{plan.ViewportHeight}");
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = plan.BaseUrl,
            ViewportSize = new ViewportSize { Width = plan.ViewportWidth, Height = plan.ViewportHeight },
        });
        context.SetDefaultTimeout(30_000);
        await context.AddInitScriptAsync(scriptPath: Path.Combine(AppContext.BaseDirectory, "Workspace", "probe.js"));
        var page = await context.NewPageAsync();

        await SignInAsync(page, plan.Email, plan.Password);
        await SubmitToNext.RunAsync(page, plan);
        await BoxDrag.RunAsync(page, plan);
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    public static async Task ScreenshotAsync(IPage page, WorkspaceRunPlan plan, string name)
    {
        if (!string.IsNullOrEmpty(plan.Screenshots))
        {
            Directory.CreateDirectory(plan.Screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(plan.Screenshots, name) });
        }
    }

    public static string Ms(double value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
