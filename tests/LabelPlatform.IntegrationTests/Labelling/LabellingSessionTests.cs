using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.Session;
using LabelPlatform.Queue.Skip;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Labelling;

/// <summary>The workspace's labelling session driven directly, with no page rendered: the rules the page used to hold.</summary>
public sealed class LabellingSessionTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>, IDisposable
{
    private readonly List<IServiceScope> _scopes = [];

    /// <summary>A session as a page gets one: from its circuit's scope.</summary>
    private LabellingSession NewSession()
    {
        var scope = factory.Services.CreateScope();
        _scopes.Add(scope);
        return scope.ServiceProvider.GetRequiredService<LabellingSession>();
    }

    public void Dispose() => _scopes.ForEach(s => s.Dispose());

    [Fact]
    public async Task StartAsync_RunningJob_HoldsAnItemWithNoAnswerYet()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2);
        var session = NewSession();

        Assert.True(await session.StartAsync(job.Id, (await factory.SignUpAsync(AccountKind.Worker)).Id));

        Assert.NotNull(session.Claim);
        Assert.True(session.Item!.Width > 0 && session.Item.Height > 0);
        Assert.True(session.Answer.SameAs(LabellingSession.NoAnswer));
        Assert.False(session.Suggested);
    }

    [Fact]
    public async Task StartAsync_UnknownJob_SaysSoAndHoldsNothing()
    {
        var session = NewSession();

        Assert.False(await session.StartAsync(Guid.NewGuid(), (await factory.SignUpAsync(AccountKind.Worker)).Id));

        Assert.Equal("This job does not exist.", session.Message);
        Assert.Null(session.Claim);
    }

    [Fact]
    public async Task ChangeUndoRedo_LabelAnswers_StepBackAndForwardAndKeepTheServerDraft()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var session = NewSession();
        await session.StartAsync(job.Id, worker.Id);

        await session.ChangeAnswerAsync(Answer.ManyLabels(["cat"]), undoable: true);
        await session.ChangeAnswerAsync(Answer.ManyLabels(["dog"]), undoable: true);
        await session.UndoAsync();

        Assert.Equal(["cat"], session.Answer.Labels);
        Assert.True(session.CanRedo);
        await session.RedoAsync();
        Assert.Equal(["dog"], session.Answer.Labels);

        // A new session (a reload) starts from the server's draft of the same held item.
        var reloaded = NewSession();
        await reloaded.StartAsync(job.Id, worker.Id);
        Assert.Equal(session.Claim!.AssignmentId, reloaded.Claim!.AssignmentId);
        Assert.Equal(["dog"], reloaded.Answer.Labels);
    }

    [Fact]
    public async Task SubmitAsync_ValidThenNothingLeft_CountsTheAnswerAndThanksTheWorker()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1);
        var session = NewSession();
        await session.StartAsync(job.Id, (await factory.SignUpAsync(AccountKind.Worker)).Id);

        await session.SubmitAsync(Answer.OneLabel("cat"));

        Assert.Equal(1, session.Answered);
        Assert.Null(session.Claim);
        Assert.Equal("You have done everything this job has for you (1 answers this session). Thank you!", session.Message);
    }

    [Fact]
    public async Task SubmitAsync_LabelNotInTheJob_KeepsTheItemAndSaysWhatIsWrong()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1);
        var session = NewSession();
        await session.StartAsync(job.Id, (await factory.SignUpAsync(AccountKind.Worker)).Id);
        var held = session.Claim!.AssignmentId;

        await session.SubmitAsync(Answer.OneLabel("giraffe"));

        Assert.Equal(held, session.Claim!.AssignmentId);
        Assert.NotNull(session.Invalid);
        Assert.Equal(0, session.Answered);
    }

    [Fact]
    public async Task LeaveAsync_Skip_ClaimsTheNextItemAndForgetsTheBrowserDraft()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2);
        var browser = new RememberingBrowser();
        var session = NewSession();
        await session.StartAsync(job.Id, (await factory.SignUpAsync(AccountKind.Worker)).Id, browser);
        var first = session.Claim!.AssignmentId;
        await session.ChangeAnswerAsync(Answer.ManyLabels(["bird"]), undoable: true);
        Assert.True(browser.Saved.ContainsKey(first));

        var skip = factory.Services.GetRequiredService<SkipItem>();
        var refused = await session.LeaveAsync((assignment, worker) => skip.HandleAsync(assignment, worker, SkipItem.Reasons[0]), thanks: null);

        Assert.Null(refused);
        Assert.NotEqual(first, session.Claim!.AssignmentId);
        Assert.DoesNotContain(first, browser.Saved.Keys);
        Assert.False(session.CanUndo);
    }

    private sealed class RememberingBrowser : IBrowserDrafts
    {
        public Dictionary<Guid, LocalDraft> Saved { get; } = [];

        public Task<LocalDraft?> LoadAsync(Guid assignmentId) => Task.FromResult(Saved.GetValueOrDefault(assignmentId));

        public Task SaveAsync(Guid assignmentId, string json, DateTimeOffset changedAt)
        {
            Saved[assignmentId] = new LocalDraft(json, changedAt);
            return Task.CompletedTask;
        }

        public Task ClearAsync(Guid assignmentId)
        {
            Saved.Remove(assignmentId);
            return Task.CompletedTask;
        }
    }
}
