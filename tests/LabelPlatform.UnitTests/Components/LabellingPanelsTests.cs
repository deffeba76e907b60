using Bunit;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Web.Components.Labelling;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LabelPlatform.UnitTests.Components;

public class LabellingPanelsTests : ComponentTestContext
{
    private static readonly string[] Classes = ["coin", "button", "other"];

    private static readonly BoundingBox[] TwoBoxes = [new("coin", 10.4, 20.6, 30, 40), new("other", 100, 120, 50.5, 60, Suggested: true)];

    [Fact]
    public void BoxList_TwoBoxes_ListsEachWithClassSizeAndSuggestionMark()
    {
        var panel = Render<BoxListPanel>(p => p.Add(x => x.Boxes, TwoBoxes).Add(x => x.Classes, Classes).Add(x => x.Selected, 1));

        var rows = panel.FindAll(".lp-box-row");

        Assert.Equal(2, rows.Count);
        Assert.Contains("#1 coin", rows[0].TextContent);
        Assert.Contains("30 × 40 at 10, 21", rows[0].TextContent);
        Assert.Contains("(suggested)", rows[1].TextContent);
        Assert.Contains("lp-selected", rows[1].ClassList);
        Assert.Equal("2 boxes", panel.Find(".lp-box-count").TextContent);
    }

    [Fact]
    public void BoxList_ClassChangedInARow_ReportsWhichBoxAndWhichClass()
    {
        (int Box, int Class)? changed = null;
        var panel = Render<BoxListPanel>(p => p.Add(x => x.Boxes, TwoBoxes).Add(x => x.Classes, Classes)
            .Add(x => x.OnClassChange, c => changed = c));

        panel.Find("select[aria-label='Class of box 2']").Change("button");

        Assert.Equal((1, 1), changed);
    }

    [Fact]
    public void BoxList_DeleteAndSelectAndActiveClass_ReportTheirIndexes()
    {
        int? deleted = null, selected = null, active = null;
        var toggled = 0;
        var panel = Render<BoxListPanel>(p => p.Add(x => x.Boxes, TwoBoxes).Add(x => x.Classes, Classes)
            .Add(x => x.OnDelete, i => deleted = i).Add(x => x.OnSelect, i => selected = i)
            .Add(x => x.OnActiveClass, i => active = i).Add(x => x.OnToggleShow, () => toggled++));

        panel.Find("button[aria-label='Delete box 2']").Click();
        panel.FindAll(".lp-box-pick")[0].Click();
        panel.Find("[data-class=other]").Click();
        panel.Find(".lp-toggle-boxes").Click();

        Assert.Equal((1, 0, 2, 1), (deleted, selected, active, toggled));
    }

    [Fact]
    public void BoxList_NoBoxes_SaysHowToDrawAndThatNoneIsAnAnswer()
    {
        var panel = Render<BoxListPanel>(p => p.Add(x => x.Boxes, Array.Empty<BoundingBox>()).Add(x => x.Classes, Classes));

        Assert.Equal("0 boxes", panel.Find(".lp-box-count").TextContent);
        Assert.Contains("submit with no boxes", panel.Markup);
    }

    [Theory]
    [InlineData(TaskKind.BoundingBoxes, "Delete", "Delete the selected box")]
    [InlineData(TaskKind.BoundingBoxes, "Space+drag", "Pan (the mouse wheel zooms)")]
    [InlineData(TaskKind.ImageMultiLabel, "1–9", "Switch a label on or off")]
    [InlineData(TaskKind.TextClassification, "1–9", "Choose a label")]
    public void KeyboardHelp_EachKind_ListsItsKeys(TaskKind kind, string key, string what)
    {
        var help = Render<KeyboardHelp>(p => p.Add(x => x.Kind, kind));

        var row = help.FindAll(".lp-keys tr").Single(r => r.QuerySelector("td")!.TextContent.Contains(key));

        Assert.Equal(what, row.QuerySelectorAll("td")[1].TextContent);
        Assert.Contains(help.FindAll(".lp-keys tr"), r => r.TextContent.Contains("Ctrl+Z"));
        Assert.Equal("dialog", help.Find(".lp-overlay").GetAttribute("role"));
    }

    [Fact]
    public void KeyboardHelp_Close_Reported()
    {
        var closed = 0;
        var help = Render<KeyboardHelp>(p => p.Add(x => x.Kind, TaskKind.BoundingBoxes).Add(x => x.OnClose, () => closed++));

        help.Find(".lp-close-help").Click();

        Assert.Equal(1, closed);
    }

    [Theory]
    [InlineData(125, "2:05 left")]
    [InlineData(3725, "1:02:05 left")]
    [InlineData(-30, "0:00 left")]
    public void LeaseCountdown_TimeLeft_ShownAsMinutesAndSeconds(int seconds, string text)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        Services.AddSingleton<TimeProvider>(clock);

        var countdown = Render<LeaseCountdown>(p => p.Add(x => x.ExpiresAt, clock.GetUtcNow().AddSeconds(seconds)));

        Assert.Equal(text, countdown.Find(".lp-lease").TextContent.Trim());
    }

    [Fact]
    public void MultiLabelPicker_DigitsToggle_ReportsEveryChangeAndSubmitsTheSet()
    {
        var changes = new List<string>();
        IReadOnlyList<string>? submitted = null;
        var picker = Render<LabelPicker>(p => p.Add(x => x.Labels, Classes).Add(x => x.Multiple, true).Add(x => x.ItemKey, 1)
            .Add(x => x.ValueChanged, v => changes.Add(string.Join("|", v))).Add(x => x.OnSubmit, v => submitted = v));

        foreach (var key in new[] { "1", "3", "1", "2" })
        {
            picker.Find(".lp-picker").KeyDown(new KeyboardEventArgs { Key = key });
        }

        picker.Find(".lp-picker").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        Assert.Equal(["coin", "coin|other", "other", "button|other"], changes);
        Assert.Equal(["button", "other"], submitted);
        Assert.Equal(["button", "other"], picker.FindAll("[role=checkbox][aria-checked=true]").Select(b => b.GetAttribute("data-label")));
    }

    [Fact]
    public void MultiLabelPicker_NothingChosen_OffersToSubmitNoneApply()
    {
        IReadOnlyList<string>? submitted = null;
        var picker = Render<LabelPicker>(p => p.Add(x => x.Labels, Classes).Add(x => x.Multiple, true).Add(x => x.ItemKey, 1)
            .Add(x => x.OnSubmit, v => submitted = v));

        Assert.Contains("none apply", picker.Find(".lp-submit").TextContent);
        picker.Find(".lp-submit").Click();

        Assert.Equal([], submitted);
    }

    [Fact]
    public void LabelPicker_ValueGiven_ShowsItChosenAndFollowsANewValue()
    {
        var picker = Render<LabelPicker>(p => p.Add(x => x.Labels, Classes).Add(x => x.ItemKey, 1).Add(x => x.Value, new[] { "button" }));
        Assert.Equal("button", picker.Instance.Selected);

        picker.Render(p => p.Add(x => x.Value, new[] { "other" }));

        Assert.Equal("other", picker.Instance.Selected);
    }

    [Fact]
    public void AnswerProblem_Message_ShownAsAnAlertThatKeepsTheWork()
    {
        var dismissed = 0;
        var problem = Render<AnswerProblem>(p => p
            .Add(x => x.Message, "Box 2 reaches outside the 384 × 303 px image.")
            .Add(x => x.OnDismiss, () => dismissed++));

        var alert = problem.Find("[role=alert]");

        Assert.Contains("Not submitted: Box 2 reaches outside the 384 × 303 px image.", alert.TextContent);
        Assert.Contains("Your work is still here", alert.TextContent);
        problem.Find("button").Click();
        Assert.Equal(1, dismissed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void AnswerProblem_NoMessage_RendersNothing(string? message) =>
        Assert.Empty(Render<AnswerProblem>(p => p.Add(x => x.Message, message)).Markup.Trim());
}
