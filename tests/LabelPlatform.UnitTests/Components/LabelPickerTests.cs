using Bunit;
using LabelPlatform.Web.Components.Labelling;
using Microsoft.AspNetCore.Components.Web;

namespace LabelPlatform.UnitTests.Components;

public class LabelPickerTests : ComponentTestContext
{
    private static readonly string[] ThreeLabels = ["cat", "dog", "bird"];

    private static readonly string[] TwelveLabels = Enumerable.Range(1, 12).Select(i => $"label {i}").ToArray();

    private readonly List<string> _submitted = [];

    private IRenderedComponent<LabelPicker> RenderPicker(IReadOnlyList<string>? labels = null, object? itemKey = null, bool disabled = false) =>
        Render<LabelPicker>(p => p
            .Add(x => x.Labels, labels ?? ThreeLabels)
            .Add(x => x.ItemKey, itemKey ?? 1)
            .Add(x => x.Disabled, disabled)
            .Add(x => x.OnSubmit, labels => _submitted.Add(string.Join("|", labels))));

    private static void Press(IRenderedComponent<LabelPicker> picker, string key) =>
        picker.Find(".lp-picker").KeyDown(new KeyboardEventArgs { Key = key });

    /// <summary>The label whose button is announced as checked, as a screen reader would report it.</summary>
    private static string? Checked(IRenderedComponent<LabelPicker> picker) =>
        picker.FindAll("button[role=radio][aria-checked=true]").Select(b => b.GetAttribute("data-label")).SingleOrDefault();

    [Fact]
    public void Render_Labels_ShowsOneUncheckedRadioPerLabel()
    {
        var picker = RenderPicker(TwelveLabels);

        var buttons = picker.FindAll("button[role=radio]");

        Assert.Equal(TwelveLabels, buttons.Select(b => b.GetAttribute("data-label")));
        Assert.All(buttons, b => Assert.Equal("false", b.GetAttribute("aria-checked")));
        Assert.True(picker.Find(".lp-submit").HasAttribute("disabled"));
    }

    [Fact]
    public void Render_Labels_ShowsKeyHintsOneToNineThenZero()
    {
        var picker = RenderPicker(TwelveLabels);

        var hints = picker.FindAll("button[role=radio]").Select(b => b.QuerySelector("kbd")?.TextContent);

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", null, null], hints);
    }

    [Fact]
    public void Click_LabelButton_ChecksThatLabel()
    {
        var picker = RenderPicker();

        picker.Find("button[data-label=dog]").Click();

        Assert.Equal("dog", Checked(picker));
        Assert.Equal("dog", picker.Instance.Selected);
        Assert.False(picker.Find(".lp-submit").HasAttribute("disabled"));
    }

    [Fact]
    public void KeyDown_Digit_SelectsThatLabel()
    {
        var picker = RenderPicker();

        Press(picker, "3");

        Assert.Equal("bird", Checked(picker));
    }

    [Fact]
    public void KeyDown_Zero_SelectsTheTenthLabel()
    {
        var picker = RenderPicker(TwelveLabels);

        Press(picker, "0");

        Assert.Equal("label 10", Checked(picker));
    }

    [Fact]
    public void KeyDown_ZeroWithFewerThanTenLabels_SelectsNothing()
    {
        var picker = RenderPicker();

        Press(picker, "0");

        Assert.Null(Checked(picker));
    }

    [Fact]
    public void KeyDown_DigitBeyondTheLabels_KeepsTheSelection()
    {
        var picker = RenderPicker();

        Press(picker, "4");
        Assert.Null(Checked(picker));

        Press(picker, "2");
        Press(picker, "9");
        Assert.Equal("dog", Checked(picker));
    }

    [Fact]
    public void KeyDown_DigitWithCtrl_IsLeftToTheBrowser()
    {
        var picker = RenderPicker();

        picker.Find(".lp-picker").KeyDown(new KeyboardEventArgs { Key = "2", CtrlKey = true });

        Assert.Null(Checked(picker));
    }

    [Fact]
    public void KeyDown_EnterAfterSelection_SubmitsThatLabel()
    {
        var picker = RenderPicker();
        Press(picker, "2");

        Press(picker, "Enter");

        Assert.Equal(["dog"], _submitted);
    }

    [Fact]
    public void KeyDown_EnterWithNothingSelected_DoesNotSubmit()
    {
        var picker = RenderPicker();

        Press(picker, "Enter");

        Assert.Empty(_submitted);
    }

    [Fact]
    public void Click_SubmitButtonAfterSelection_SubmitsThatLabel()
    {
        var picker = RenderPicker();
        picker.Find("button[data-label=bird]").Click();

        picker.Find(".lp-submit").Click();

        Assert.Equal(["bird"], _submitted);
    }

    [Fact]
    public void KeyDown_ArrowRight_MovesForwardAndWraps()
    {
        var picker = RenderPicker();

        Press(picker, "ArrowRight");
        Assert.Equal("cat", Checked(picker));

        Press(picker, "ArrowRight");
        Press(picker, "ArrowDown");
        Assert.Equal("bird", Checked(picker));

        Press(picker, "ArrowRight");
        Assert.Equal("cat", Checked(picker));
    }

    [Fact]
    public void KeyDown_ArrowLeft_MovesBackAndWraps()
    {
        var picker = RenderPicker();

        Press(picker, "ArrowLeft");
        Assert.Equal("bird", Checked(picker));

        Press(picker, "ArrowUp");
        Assert.Equal("dog", Checked(picker));

        Press(picker, "ArrowLeft");
        Press(picker, "ArrowLeft");
        Assert.Equal("bird", Checked(picker));
    }

    [Fact]
    public void Render_NewItemKey_ClearsTheSelection()
    {
        var picker = RenderPicker(itemKey: 1);
        Press(picker, "2");

        picker.Render(p => p.Add(x => x.ItemKey, 2));

        Assert.Null(Checked(picker));
        Press(picker, "Enter");
        Assert.Empty(_submitted);
    }

    [Fact]
    public void Render_SameItemKey_KeepsTheSelection()
    {
        var picker = RenderPicker(itemKey: 1);
        Press(picker, "2");

        picker.Render(p => p.Add(x => x.ItemKey, 1));

        Assert.Equal("dog", Checked(picker));
    }

    [Fact]
    public void KeyDown_Disabled_IgnoresKeys()
    {
        var picker = RenderPicker(disabled: true);

        Press(picker, "1");
        Press(picker, "ArrowRight");
        Press(picker, "Enter");

        Assert.Null(Checked(picker));
        Assert.Empty(_submitted);
        Assert.All(picker.FindAll("button"), b => Assert.True(b.HasAttribute("disabled")));
    }

    [Fact]
    public void KeyDown_DisabledAfterSelection_DoesNotSubmit()
    {
        var picker = RenderPicker();
        Press(picker, "1");

        picker.Render(p => p.Add(x => x.Disabled, true));
        Press(picker, "Enter");

        Assert.Empty(_submitted);
        Assert.True(picker.Find(".lp-submit").HasAttribute("disabled"));
    }

    [Fact]
    public void KeyDown_DigitOnDigitLabels_ChoosesThatDigitNotThePosition()
    {
        var picker = RenderPicker(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);

        Press(picker, "7");

        Assert.Equal("7", Checked(picker));
        Assert.Empty(picker.FindAll("kbd"));
    }

    [Fact]
    public void KeyDownS_WithSkipHandler_SkipsAndDoesNotSubmit()
    {
        var skipped = 0;
        var picker = Render<LabelPicker>(p => p
            .Add(x => x.Labels, ThreeLabels)
            .Add(x => x.ItemKey, 1)
            .Add(x => x.OnSubmit, labels => _submitted.Add(string.Join("|", labels)))
            .Add(x => x.OnSkip, () => skipped++));

        Press(picker, "2");
        Press(picker, "s");

        Assert.Equal(1, skipped);
        Assert.Empty(_submitted);
        Assert.NotNull(picker.Find(".lp-skip"));
    }

    [Fact]
    public void KeyDownS_WithoutSkipHandler_ShowsNoSkipAndDoesNothing()
    {
        var picker = RenderPicker();

        Press(picker, "s");

        Assert.Empty(picker.FindAll(".lp-skip"));
        Assert.Null(Checked(picker));
        Assert.Empty(_submitted);
    }
}
