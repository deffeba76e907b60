using System.Net;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Exports.Csv;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Exports;

public class CsvExportTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private const string Header = "item_id,file,status,majority_label,agreement,answers,tied_labels,votes:cat,votes:dog,votes:bird,worker_answers,machine_label,machine_confidence,final_answer,final_confidence,final_source,model_version";

    [Fact]
    public async Task WriteAsync_KnownAnswers_WritesOneRowPerItemWithMajorityTiesAndVotes()
    {
        var (_, job, items, w) = await AnsweredJobAsync();

        var lines = (await ExportAsync(job)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
            [
                Header,
                // All three answers in: cat 2:1 is 79% sure (strangers at 70%), the tie has no label; both below the job's
                // target, so both wait for a reviewer. One answer (dog) is 70% sure and still in progress.
                $"{items[0].Id},img/000.png,undecided,cat,0.667,3,,2,1,0,{P(job, w[0])}=cat|{P(job, w[1])}=cat|{P(job, w[2])}=dog,,,cat,0.7935,crowd,",
                $"{items[1].Id},img/001.png,undecided,,,3,cat|dog|bird,1,1,1,{P(job, w[0])}=cat|{P(job, w[1])}=dog|{P(job, w[2])}=bird,,,,,,",
                $"{items[2].Id},img/002.png,in_progress,dog,1,1,,0,1,0,{P(job, w[0])}=dog,,,dog,0.7,crowd,",
                $"{items[3].Id},img/003.png,not_started,,,0,,0,0,0,,,,,,,",
            ],
            lines);
    }

    [Fact]
    public async Task ResultsCsv_JobsResearcher_DownloadsTheSameRowsAsCsv()
    {
        var (researcher, job, _, _) = await AnsweredJobAsync();
        using var browser = await factory.SignInAsync(researcher);

        using var response = await browser.GetAsync($"/api/jobs/{job.Id}/results.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Test-job-results.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(await ExportAsync(job), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResultsCsv_ResearcherOfAnotherOrganisation_GetsNotFound()
    {
        var (_, job, _, _) = await AnsweredJobAsync();
        using var stranger = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Researcher));

        using var response = await stranger.GetAsync($"/api/jobs/{job.Id}/results.csv");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("worker_answers", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResultsCsv_Worker_IsForbidden()
    {
        var (_, job, _, workers) = await AnsweredJobAsync();
        using var worker = await factory.SignInAsync(workers[0]);

        using var response = await worker.GetAsync($"/api/jobs/{job.Id}/results.csv");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("worker_answers", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResultsCsv_Anonymous_IsUnauthorized()
    {
        var (_, job, _, _) = await AnsweredJobAsync();
        using var anonymous = factory.CreateBrowser();

        using var response = await anonymous.GetAsync($"/api/jobs/{job.Id}/results.csv");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("worker_answers", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WriteAsync_MultiLabelJob_MajorityLabelsAndHowManyAnswersChoseEach()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1, answersPerItem: 3, kind: TaskKind.ImageMultiLabel);
        var w = await factory.InsertWorkersAsync(3);
        string[][] chosen = [["cat", "bird"], ["cat"], ["bird", "dog"]];
        for (var i = 0; i < 3; i++)
        {
            var claim = (await factory.ClaimAsync(job, w[i])).Value!;
            Assert.True((await factory.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, w[i].Id, Answer.ManyLabels(chosen[i]))).IsSuccess);
        }

        var row = (await ExportAsync(job)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(',');

        // Cat and bird 2:1 each are 70% sure (strangers at 70% on a yes/no question): below the job's target with all answers in.
        Assert.Equal(["undecided", "cat|bird", "", "3", "", "2", "1", "2"], row[2..10]);
        Assert.Equal($"{P(job, w[0])}=cat;bird|{P(job, w[1])}=cat|{P(job, w[2])}=bird;dog", row[10]);
    }

    [Fact]
    public async Task WriteAsync_BoxJob_BoxesPerClassAndEachWorkersBoxesAsJson()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1, answersPerItem: 1, kind: TaskKind.BoundingBoxes);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var claim = (await factory.ClaimAsync(job, worker)).Value!;
        var boxes = Answer.WithBoxes([new("dog", 1, 2, 5, 6), new("dog", 0, 0, 4, 4)]);
        Assert.True((await factory.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, worker.Id, boxes)).IsSuccess);

        var line = (await ExportAsync(job)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];

        // One worker's boxes agree only with themselves: as sure as an unchecked worker (70%), below the job's 90% with its one answer in.
        Assert.Contains(",undecided,,,1,,0,2,0,", line);
        Assert.Contains($"{P(job, worker)}=[{{\"\"Label\"\":\"\"dog\"\",\"\"X\"\":1,\"\"Y\"\":2,\"\"W\"\":5,\"\"H\"\":6}},{{\"\"Label\"\":\"\"dog\"\",\"\"X\"\":0,\"\"Y\"\":0,\"\"W\"\":4,\"\"H\"\":4}}]\",,,", line);
        Assert.EndsWith(",0.7,crowd,", line.TrimEnd('\r'));
    }

    private async Task<string> ExportAsync(Job job)
    {
        return await factory.ResultsCsvAsync(job);
    }

    /// <summary>
    /// Four items, three answers each, three workers: item 0 has a clear majority (cat 2:1), item 1 a
    /// three-way tie, item 2 one answer and one open lease, item 3 nothing yet.
    /// </summary>
    private async Task<(AppUser Researcher, Job Job, List<Item> Items, AppUser[] Workers)> AnsweredJobAsync()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateRunningJobAsync(researcher, items: 4, answersPerItem: 3);
        AppUser[] w = [await factory.SignUpAsync(AccountKind.Worker), await factory.SignUpAsync(AccountKind.Worker), await factory.SignUpAsync(AccountKind.Worker)];
        string[][] answers = [["cat", "cat", "dog"], ["cat", "dog", "bird"]];
        foreach (var itemAnswers in answers)
        {
            for (var i = 0; i < w.Length; i++)
            {
                await factory.AnswerNextAsync(job, w[i], itemAnswers[i]);
            }
        }

        await factory.AnswerNextAsync(job, w[0], "dog");
        Assert.True((await factory.ClaimAsync(job, w[1])).IsSuccess);
        return (researcher, job, await factory.ItemsAsync(job.Id), w);
    }

    /// <summary>A worker as the researcher's exports show them.</summary>
    private static string P(Job job, AppUser worker) => global::LabelPlatform.Exports.WorkerPseudonyms.For(job.OrganisationId, worker.Id);
}
