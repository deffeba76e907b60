using System.Text;
using System.Text.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>The job page's label import, driven as a researcher would: a COCO file as suggestions, a bad one refused with its problems.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ImportLabelsPanelTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task Coco_ImportedAsSuggestions_ThenABadFile_EachProblemListed_NothingChanged()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, labels: ["coin", "note"], kind: TaskKind.BoundingBoxes);
        using (var zip = TestZips.Images(2))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");
        var panel = page.Locator(".lp-import-labels");
        var coco = new
        {
            images = new[] { new { id = 1, file_name = "img/000.png" }, new { id = 2, file_name = "001.png" } },
            categories = new[] { new { id = 1, name = "coin" } },
            annotations = new[] { new { image_id = 1, category_id = 1, bbox = new[] { 1, 1, 5, 5 } }, new { image_id = 2, category_id = 1, bbox = new[] { 0, 0, 8, 8 } } },
        };
        await page.ChooseFileAsync(panel.GetByRole(AriaRole.Button, new() { Name = "Import labels" }),
            chooser => chooser.SetFilesAsync(new FilePayload { Name = "labels.json", MimeType = "application/json", Buffer = JsonSerializer.SerializeToUtf8Bytes(coco) }));
        await Assertions.Expect(panel.Locator(".lp-labels-message")).ToHaveTextAsync("2 items have suggestions now.");

        await using (var db = app.Database.CreateContext())
        {
            var suggested = await db.Items.Where(i => i.JobId == job.Id).OrderBy(i => i.Ordinal).Select(i => i.PreAnnotation).ToListAsync();
            Assert.Equal([new BoundingBox("coin", 1, 1, 5, 5)], Answer.FromJson(suggested[0])!.Boxes);
        }

        var bad = "{\"images\":[{\"id\":1,\"file_name\":\"img/404.png\"}],\"categories\":[{\"id\":1,\"name\":\"coin\"}],\"annotations\":[{\"image_id\":1,\"category_id\":1,\"bbox\":[1,1,5,5]},{\"image_id\":7,\"category_id\":1,\"bbox\":[1,1,5,5]}]}";
        await page.ChooseFileAsync(panel.GetByRole(AriaRole.Button, new() { Name = "Import labels" }),
            chooser => chooser.SetFilesAsync(new FilePayload { Name = "bad.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(bad) }));
        var message = panel.Locator(".lp-labels-message");
        await Assertions.Expect(message).ToContainTextAsync("No labels were imported: 2 problems in bad.json.");
        await Assertions.Expect(message).ToContainTextAsync("annotation 2: its \"image_id\" names no image in the file");
        await Assertions.Expect(message).ToContainTextAsync("image \"img/404.png\" (id 1): the job has no item \"img/404.png\"");
    }
}
