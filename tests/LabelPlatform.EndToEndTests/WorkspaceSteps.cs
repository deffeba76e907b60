using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>The workspace tests share one app and one browser; each test makes its own researcher, job and worker.</summary>
[CollectionDefinition(Name)]
public sealed class WorkspaceCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Workspace";
}

/// <summary>
/// Steps the workspace tests repeat. Jobs are set up through the product's services (the job form
/// and the upload have their own test); workers sign in through the login endpoint the sign-in page calls.
/// </summary>
public static class WorkspaceSteps
{
    /// <summary>A running job, one answer per item, holding the items of <paramref name="zip"/>.</summary>
    public static async Task<Job> CreateRunningJobAsync(this BrowserFixture app, TaskKind kind, IReadOnlyList<string> labels, Stream zip)
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, labels, kind: kind);
        var report = await app.ImportAsync(job, zip);
        Assert.True(report.Succeeded, report.Summary);
        await app.LaunchAsync(job);
        return job;
    }

    /// <summary>A new account of <paramref name="kind"/>, signed in in a fresh browser context.</summary>
    public static async Task<IPage> SignedInPageAsync(this BrowserFixture app, AccountKind kind) =>
        await app.SignInAsync(await app.SignUpAsync(kind));

    /// <summary>A fresh browser context signed in as <paramref name="user"/> (through the login API).</summary>
    public static async Task<IPage> SignInAsync(this BrowserFixture app, AppUser user)
    {
        var page = await app.NewPageAsync();
        var login = await page.Context.APIRequest.PostAsync("/api/account/login", new()
        {
            DataObject = new { email = user.Email, password = LabelPlatformFactory.Password, rememberMe = false },
        });
        Assert.Equal(200, login.Status);
        return page;
    }

    /// <summary>A new worker on the job's workspace, with an item on show.</summary>
    public static async Task<IPage> OpenWorkspaceAsync(this BrowserFixture app, Job job)
    {
        var page = await app.SignedInPageAsync(AccountKind.Worker);
        await page.GotoAsync($"/work/{job.Id}");
        await Assertions.Expect(page.Locator(".lp-workspace")).ToBeVisibleAsync();

        // The item takes the keyboard's focus just after it renders; keys pressed before then go nowhere.
        await Assertions.Expect(page.Locator(".lp-workspace :focus")).ToHaveCountAsync(1);
        return page;
    }

    /// <summary>
    /// Waits for an item other than <paramref name="previous"/> and for the workspace to take input
    /// again, and returns the id of the worker's assignment (a worker's page names no item: see
    /// <c>AssignmentFiles</c>). The session count moves on before the next item arrives,
    /// keys pressed while a submit or skip is still running are ignored, and keys pressed before the
    /// workspace has the focus (it takes it just after the item renders) go nowhere.
    /// </summary>
    public static async Task<Guid> NextItemAsync(IPage page, Guid? previous = null)
    {
        var item = page.Locator(previous is { } shown ? $"[data-assignment]:not([data-assignment='{shown}'])" : "[data-assignment]");
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".lp-skip")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator(".lp-workspace :focus")).ToHaveCountAsync(1);
        return Guid.Parse((await item.GetAttributeAsync("data-assignment"))!);
    }

    /// <summary>Every assignment of the job, as the database holds it.</summary>
    public static async Task<List<Assignment>> AssignmentsAsync(this BrowserFixture app, Guid jobId)
    {
        await using var db = app.Database.CreateContext();
        return await db.Assignments.AsNoTracking().Where(a => a.JobId == jobId).OrderBy(a => a.LeasedAt).ToListAsync();
    }

    /// <summary>The submitted answers of the job, by assignment (what a worker's page names).</summary>
    public static async Task<Dictionary<Guid, Answer>> SubmittedAnswersAsync(this BrowserFixture app, Guid jobId) =>
        (await app.AssignmentsAsync(jobId))
            .Where(a => a.Status == AssignmentStatus.Submitted)
            .ToDictionary(a => a.Id, a => Answer.FromJson(a.AnswerJson) ?? throw new InvalidOperationException($"Assignment {a.Id} holds no answer."));

    /// <summary>Waits until this browser has kept a draft for which <paramref name="predicate"/> (a JS function of the draft's answer) is true.</summary>
    public static async Task WaitForLocalDraftAsync(IPage page, string predicate) =>
        await page.WaitForFunctionAsync(
            $$"""
            () => Object.keys(localStorage)
                .filter(k => k.startsWith("lp-draft:"))
                .map(k => JSON.parse(JSON.parse(localStorage.getItem(k)).json))
                .some({{predicate}})
            """);

    /// <summary>Saves a screenshot into the folder LP_SCREENSHOTS names, when it is set (the pictures in docs/images).</summary>
    public static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("LP_SCREENSHOTS");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            // Without animations: a button that was just chosen is still fading in otherwise.
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), Animations = ScreenshotAnimations.Disabled });
        }
    }

    /// <summary>
    /// Picks a file as a person does: presses the upload button and answers the file chooser it
    /// opens. The button asks the page's connection to open the chooser, so the chooser opens only
    /// after the upload's file input is wired to the server; a file set straight on the input before
    /// that is dropped by the browser with nobody told (which is how these tests once lost uploads).
    /// </summary>
    public static async Task ChooseFileAsync(this IPage page, ILocator button, Func<IFileChooser, Task> pick)
    {
        await Assertions.Expect(button).ToBeEnabledAsync();
        var chooser = await page.RunAndWaitForFileChooserAsync(() => button.ClickAsync());
        await pick(chooser);
    }

    /// <summary><see cref="ChooseFileAsync(IPage, ILocator, Func{IFileChooser, Task})"/> with a file on disk.</summary>
    public static Task ChooseFileAsync(this IPage page, ILocator button, string path) =>
        page.ChooseFileAsync(button, chooser => chooser.SetFilesAsync(path));

    /// <summary>Uploads items through the dashboard's upload button and waits for the import's summary.</summary>
    public static async Task UploadItemsAsync(IPage page, Func<IFileChooser, Task> pick)
    {
        var panel = page.Locator(".lp-upload-items");
        await page.ChooseFileAsync(panel.GetByRole(AriaRole.Button), pick);
        await Assertions.Expect(panel.Locator(".lp-import-summary")).ToBeVisibleAsync(new() { Timeout = 120_000 });
    }
}
