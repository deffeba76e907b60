using AngleSharp.Dom;
using Bunit;
using LabelPlatform.Jobs;
using LabelPlatform.Quality.Policy;
using LabelPlatform.Web.Components.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.UnitTests.Components;

public class JobFormTests : ComponentTestContext
{
    private readonly List<JobDraft> _submitted = [];

    public JobFormTests()
    {
        // The platform's fee as configured by default: 20%, at least one minor unit.
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new LabelPlatform.Billing.BillingOptions()));
    }

    private IRenderedComponent<JobForm> RenderForm() =>
        Render<JobForm>(p => p.Add(f => f.OnValidSubmit, draft => _submitted.Add(draft)));

    /// <summary>The input or textarea that a MudBlazor field's visible label points at.</summary>
    private static IElement Field(IRenderedComponent<JobForm> form, string label)
    {
        var id = form.FindAll("label").Single(l => l.TextContent.Trim() == label).GetAttribute("for");
        return form.Find($"#{id}");
    }

    private static void FillValidJob(IRenderedComponent<JobForm> form)
    {
        Field(form, "Job name").Change("  Cats and dogs  ");
        Field(form, "Instructions (Markdown)").Change("Pick **one** animal.");
        Field(form, "Labels, one per line").Change("cat\ndog\n bird \n");
        Field(form, "Answers per item to start").Change("5");
        Field(form, "Price per answer").Input("0.07");
    }

    [Fact]
    public void Submit_EmptyForm_ShowsErrorsAndDoesNotSubmit()
    {
        var form = RenderForm();

        form.Find("form").Submit();

        // The errors are decided in the submit handler; the markup that shows them may render a moment later: wait for it.
        Assert.Empty(_submitted);
        form.WaitForAssertion(() => Assert.Contains("Name is required.", form.Markup));
        Assert.Contains("This kind of job needs between 2 and 50 labels; this one has 0.", form.Markup);
        Assert.Contains(form.Instance.Errors, e => e.Field == nameof(JobDraft.Name));
        Assert.Equal("true", Field(form, "Job name").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void Submit_ValidJob_HandsOnTheParsedDraftOnce()
    {
        var form = RenderForm();
        FillValidJob(form);

        form.Find("form").Submit();

        var draft = Assert.Single(_submitted);
        Assert.Equal("Cats and dogs", draft.Name);
        Assert.Equal("Pick **one** animal.", draft.Instructions);
        Assert.Equal(["cat", "dog", "bird"], draft.Labels);
        Assert.Equal(5, draft.AnswersPerItem);
        Assert.Equal(7, draft.PricePerAnswer);
        Assert.Equal("USD", draft.Currency);
        Assert.Empty(form.Instance.Errors);
        Assert.DoesNotContain("Name is required.", form.Markup);
    }

    [Fact]
    public void Submit_AfterFixingErrors_ClearsMessagesAndSubmits()
    {
        var form = RenderForm();
        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.Contains("Name is required.", form.Markup));

        FillValidJob(form);
        form.Find("form").Submit();

        Assert.Single(_submitted);
        form.WaitForAssertion(() => Assert.DoesNotContain("Name is required.", form.Markup));
        Assert.DoesNotContain("job needs between", form.Markup);
    }

    [Fact]
    public void Submit_PriceWithThreeDecimals_ShowsPriceHintAndDoesNotSubmit()
    {
        var form = RenderForm();
        FillValidJob(form);
        Field(form, "Price per answer").Input("0.055");

        form.Find("form").Submit();

        Assert.Empty(_submitted);
        form.WaitForAssertion(() => Assert.Contains("Enter a price like 0.05", form.Markup));
        Assert.DoesNotContain("at least 0.01", form.Markup);
        var error = Assert.Single(form.Instance.Errors);
        Assert.Equal(nameof(JobDraft.PricePerAnswer), error.Field);
    }

    [Fact]
    public void Submit_DuplicateLabels_ShowsTheDuplicateAndDoesNotSubmit()
    {
        var form = RenderForm();
        FillValidJob(form);
        Field(form, "Labels, one per line").Change("cat\nCat");

        form.Find("form").Submit();

        Assert.Empty(_submitted);
        form.WaitForAssertion(() => Assert.Contains("Label \"Cat\" appears more than once.", form.Markup));
    }

    [Fact]
    public void Render_PriceAndLabels_ShowsTheExpectedCostPerItemFromTheReplay()
    {
        var form = RenderForm();

        Field(form, "Labels, one per line").Change("cat\ndog\nbird");
        Field(form, "Price per answer").Input("0.07");

        // A new job starts items with one answer and buys more only where they are unsure: its cost is what a replay of
        // the default policy on a simulated crowd and model bought, with and without the model.
        var expected = PolicyEstimate.For(3, LabelPolicy.Default);
        Assert.Contains($"with a model pre-filter, {expected.AnswersPerItem:0.00} answers per item", form.Markup);
        Assert.Contains($"{MoneyFormat.Format((long)Math.Round(7 * expected.AnswersPerItem), "USD")} per item, {expected.Accuracy:0.0%} right", form.Markup);
        Assert.Contains($"without a model, {expected.AnswersPerItemWithoutModel:0.00} answers", form.Markup);
        Assert.True(expected.AnswersPerItem < expected.AnswersPerItemWithoutModel);
    }

    [Fact]
    public void Render_PriceTyped_ShowsTheFeeAndCallsOutAMinimumFeeThatDominates()
    {
        var form = RenderForm();

        // Each keystroke updates the fee (the field binds immediately, not on leaving it).
        Field(form, "Price per answer").Input("0.50");
        Assert.Contains("Plus the platform fee of 0.10 USD per answer (20%, at least 0.01 USD): 0.60 USD per answer in all.", form.Markup);
        Assert.Empty(form.FindAll(".lp-fee-warning"));

        // At 2 cents the percentage would be 0.4 of a cent: the 1-cent minimum is 50% of the answer.
        Field(form, "Price per answer").Input("0.02");
        Assert.Contains("Plus the platform fee of 0.01 USD per answer", form.Markup);
        Assert.Contains("At this price the minimum fee is 50% of each answer, not 20%: a price of at least 0.05 USD keeps the fee at its percentage.",
            form.Find(".lp-fee-warning").TextContent);
    }

    [Fact]
    public void Render_Busy_DisablesTheSubmitButton()
    {
        var form = Render<JobForm>(p => p.Add(f => f.Busy, true).Add(f => f.SubmitText, "Save changes"));

        var button = form.Find("button[type=submit]");

        Assert.True(button.HasAttribute("disabled"));
        Assert.Contains("Save changes", button.TextContent);
    }
}
