using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Exports;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;

namespace LabelPlatform.IntegrationTests.ResearcherApi;

/// <summary>Examples for workers and bonuses over the API, with the pages' rules; a bonus retried with its Idempotency-Key pays once.</summary>
public class JobExtrasApiTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Bonus_ToAWorkerByPseudonym_RetriedWithItsKey_PaysOnce_UnknownWorkerRefused()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        var job = await factory.CreateRunningJobAsync(researcher, items: 1, answersPerItem: 1);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        await factory.AnswerNextAsync(job, worker, "cat");
        var pseudonym = WorkerPseudonyms.For(job.OrganisationId, worker.Id);

        HttpRequestMessage Bonus(string key, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/bonuses") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var body = new { worker = pseudonym, amount = 150, note = "Careful work" };
        using var first = await api.SendAsync(Bonus("bonus-1", body));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("paid", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        using var again = await api.SendAsync(Bonus("bonus-1", body));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_transactions WHERE kind = 'Bonus' AND job_id = $1", job.Id));

        using var stranger = await api.SendAsync(Bonus("bonus-2", new { worker = "w_0000000000000000", amount = 150 }));
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        using var tooMuch = await api.SendAsync(Bonus("bonus-3", new { worker = pseudonym, amount = 10_000_000 }));
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
    }

    [Fact]
    public async Task Examples_AddedWithAndWithoutPicture_Listed_Removed_BadPictureRefused()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        var job = await factory.CreateJobAsync(researcher);

        using var plain = await api.PostAsync($"/api/v1/jobs/{job.Id}/examples", new MultipartFormDataContent { { new StringContent("A **cat** has pointed ears."), "caption" } });
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        using var withPicture = await api.PostAsync($"/api/v1/jobs/{job.Id}/examples", new MultipartFormDataContent
        {
            { new StringContent("This one is a dog."), "caption" },
            { new ByteArrayContent(TestZips.Digit(3)), "picture", "dog.png" },
        });
        Assert.Equal(HttpStatusCode.Created, withPicture.StatusCode);
        Assert.True((await withPicture.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hasPicture").GetBoolean());
        using var notAnImage = await api.PostAsync($"/api/v1/jobs/{job.Id}/examples", new MultipartFormDataContent
        {
            { new StringContent("Broken."), "caption" },
            { new ByteArrayContent("not a png"u8.ToArray()), "picture", "x.png" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, notAnImage.StatusCode);

        var listed = await api.GetFromJsonAsync<JsonElement[]>($"/api/v1/jobs/{job.Id}/examples");
        listed ??= [];
        Assert.Equal(["A **cat** has pointed ears.", "This one is a dog."], listed.Select(e => e.GetProperty("caption").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/jobs/{job.Id}/examples/{listed[0].GetProperty("id").GetString()}")).StatusCode);
        Assert.Single(await api.GetFromJsonAsync<JsonElement[]>($"/api/v1/jobs/{job.Id}/examples") ?? []);

        var (_, stranger) = await factory.ResearcherWithApiAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/jobs/{job.Id}/examples")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/jobs/{job.Id}/examples", new MultipartFormDataContent { { new StringContent("x"), "caption" } })).StatusCode);
    }
}
