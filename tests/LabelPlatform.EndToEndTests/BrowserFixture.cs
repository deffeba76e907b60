using LabelPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>The web app on a real Kestrel port and Debian's Chromium driven by Playwright.</summary>
public class BrowserFixture : LabelPlatformFactory
{
    /// <summary>
    /// How long an action or an expectation waits for the page to reach the state it needs. It bounds
    /// a wait on state, never a pause: a page that is already there passes at once. Generous, because
    /// the first render of a page in a fresh process compiles it, and CI's two cores are shared.
    /// </summary>
    public const int WaitMilliseconds = 30_000;

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The app's warnings and errors, for the report of a failed test.</summary>
    public ServerLog ServerLog { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(ServerLog));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');

        Assertions.SetDefaultExpectTimeout(WaitMilliseconds);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("LP_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A page in a fresh browser context, traced for the running <see cref="BrowserFactAttribute"/> test.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var recording = BrowserRecording.Current
            ?? throw new InvalidOperationException("Browser tests are marked [BrowserFact], so a failure keeps the browser's trace.");
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(WaitMilliseconds);
        var page = await context.NewPageAsync();
        await recording.AttachAsync(page, ServerLog);
        return page;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
