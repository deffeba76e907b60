using LabelPlatform.Jobs;

namespace LabelPlatform.UnitTests.Rules;

public class JobLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Job InStatus(JobStatus status) => new() { Id = Guid.NewGuid(), Name = "Cats", Status = status };

    [Fact]
    public void Launch_Draft_FailsAskingForItems()
    {
        var job = InStatus(JobStatus.Draft);

        var error = job.Launch(Now);

        Assert.NotNull(error);
        Assert.Equal("conflict", error.Code);
        Assert.Contains("Upload at least one item", error.Message);
        Assert.Equal(JobStatus.Draft, job.Status);
        Assert.Null(job.LaunchedAt);
    }

    [Fact]
    public void ItemsAdded_Draft_MovesToReady()
    {
        var job = InStatus(JobStatus.Draft);

        job.ItemsAdded();

        Assert.Equal(JobStatus.Ready, job.Status);
    }

    [Theory]
    [InlineData(JobStatus.Ready)]
    [InlineData(JobStatus.Running)]
    [InlineData(JobStatus.Paused)]
    public void ItemsAdded_PastDraft_KeepsStatus(JobStatus status)
    {
        var job = InStatus(status);

        job.ItemsAdded();

        Assert.Equal(status, job.Status);
    }

    [Fact]
    public void Launch_Ready_RunsAndRecordsLaunchTime()
    {
        var job = InStatus(JobStatus.Ready);

        var error = job.Launch(Now);

        Assert.Null(error);
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal(Now, job.LaunchedAt);
    }

    [Fact]
    public void Launch_DraftAfterItemsAdded_Runs()
    {
        var job = InStatus(JobStatus.Draft);

        job.ItemsAdded();

        Assert.Null(job.Launch(Now));
        Assert.Equal(JobStatus.Running, job.Status);
    }

    [Theory]
    [InlineData(JobStatus.Running, "running")]
    [InlineData(JobStatus.Paused, "paused")]
    [InlineData(JobStatus.Completed, "completed")]
    [InlineData(JobStatus.Cancelled, "cancelled")]
    public void Launch_AlreadyLaunchedOrEnded_FailsNamingTheState(JobStatus status, string stateName)
    {
        var job = InStatus(status);

        var error = job.Launch(Now);

        Assert.NotNull(error);
        Assert.Contains($"A {stateName} job cannot be launched", error.Message);
        Assert.Equal(status, job.Status);
        Assert.Null(job.LaunchedAt);
    }

    [Fact]
    public void Pause_Running_Pauses()
    {
        var job = InStatus(JobStatus.Running);

        Assert.Null(job.Pause());
        Assert.Equal(JobStatus.Paused, job.Status);
    }

    [Theory]
    [InlineData(JobStatus.Draft, "draft")]
    [InlineData(JobStatus.Ready, "ready")]
    [InlineData(JobStatus.Paused, "paused")]
    [InlineData(JobStatus.Completed, "completed")]
    public void Pause_NotRunning_FailsNamingTheState(JobStatus status, string stateName)
    {
        var job = InStatus(status);

        var error = job.Pause();

        Assert.NotNull(error);
        Assert.Equal("conflict", error.Code);
        Assert.Contains("Only a running job can be paused", error.Message);
        Assert.Contains($"this one is {stateName}", error.Message);
        Assert.Equal(status, job.Status);
    }

    [Fact]
    public void Resume_Paused_RunsAgain()
    {
        var job = InStatus(JobStatus.Paused);

        Assert.Null(job.Resume());
        Assert.Equal(JobStatus.Running, job.Status);
    }

    [Theory]
    [InlineData(JobStatus.Draft, "draft")]
    [InlineData(JobStatus.Ready, "ready")]
    [InlineData(JobStatus.Running, "running")]
    [InlineData(JobStatus.Cancelled, "cancelled")]
    public void Resume_NotPaused_FailsNamingTheState(JobStatus status, string stateName)
    {
        var job = InStatus(status);

        var error = job.Resume();

        Assert.NotNull(error);
        Assert.Equal("conflict", error.Code);
        Assert.Contains("Only a paused job can be resumed", error.Message);
        Assert.Contains($"this one is {stateName}", error.Message);
        Assert.Equal(status, job.Status);
    }

    [Fact]
    public void PauseThenResume_KeepsTheOriginalLaunchTime()
    {
        var job = InStatus(JobStatus.Ready);
        job.Launch(Now);

        job.Pause();
        job.Resume();

        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal(Now, job.LaunchedAt);
    }

    [Theory]
    [InlineData(JobStatus.Draft, true)]
    [InlineData(JobStatus.Ready, true)]
    [InlineData(JobStatus.Running, true)]
    [InlineData(JobStatus.Paused, true)]
    [InlineData(JobStatus.Completed, false)]
    [InlineData(JobStatus.Cancelled, false)]
    public void AcceptsItems_ByStatus_OnlyBeforeTheJobEnds(JobStatus status, bool accepts)
    {
        Assert.Equal(accepts, InStatus(status).AcceptsItems);
    }

    [Theory]
    [InlineData(JobStatus.Draft)]
    [InlineData(JobStatus.Ready)]
    [InlineData(JobStatus.Running)]
    [InlineData(JobStatus.Paused)]
    public void Cancel_BeforeTheJobEnds_CancelsWithTime(JobStatus status)
    {
        var job = InStatus(status);
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        var error = job.Cancel(now);

        Assert.Null(error);
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Equal(now, job.CompletedAt);
        Assert.False(job.AcceptsItems);
    }

    [Theory]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Cancelled)]
    public void Cancel_EndedJob_FailsAndKeepsStatus(JobStatus status)
    {
        var job = InStatus(status);

        var error = job.Cancel(DateTimeOffset.UtcNow);

        Assert.NotNull(error);
        Assert.Contains(status.ToString().ToLowerInvariant(), error.Message);
        Assert.Equal(status, job.Status);
    }
}
