using LabelPlatform.Jobs;

namespace LabelPlatform.UnitTests.Rules;

public class JobRulesTests
{
    private static readonly JobDraft Valid = new("Cats and dogs", "Pick the animal.", ["cat", "dog"], 3, 5, "USD");

    private static FieldError SingleError(JobDraft draft, string field)
    {
        var errors = JobRules.Validate(draft);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        return error;
    }

    [Fact]
    public void Validate_ValidDraft_HasNoErrors()
    {
        Assert.Empty(JobRules.Validate(Valid));
    }

    [Fact]
    public void Validate_LimitsExactly_HasNoErrors()
    {
        var labels = Enumerable.Range(1, JobRules.MaxLabels).Select(i => $"label {i}").ToList();
        var draft = Valid with
        {
            Name = new string('n', JobRules.MaxNameLength),
            Labels = labels,
            AnswersPerItem = JobRules.MaxAnswersPerItem,
            PricePerAnswer = JobRules.MaxPricePerAnswer,
            Currency = "GBP",
        };

        Assert.Empty(JobRules.Validate(draft));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_BlankName_ReportsNameRequired(string name)
    {
        var error = SingleError(Valid with { Name = name }, nameof(JobDraft.Name));

        Assert.Contains("required", error.Message);
    }

    [Fact]
    public void Validate_NameTooLong_ReportsTheLimit()
    {
        var error = SingleError(Valid with { Name = new string('n', JobRules.MaxNameLength + 1) }, nameof(JobDraft.Name));

        Assert.Contains("at most 200 characters", error.Message);
    }

    [Fact]
    public void Validate_InstructionsTooLong_ReportsTheLimit()
    {
        var error = SingleError(Valid with { Instructions = new string('i', JobRules.MaxInstructionsLength + 1) }, nameof(JobDraft.Instructions));

        Assert.Contains("at most 20000 characters", error.Message);
    }

    [Fact]
    public void Validate_OneLabel_ReportsLabelCount()
    {
        var error = SingleError(Valid with { Labels = ["cat"] }, nameof(JobDraft.Labels));

        Assert.Contains("between 2 and 50 labels", error.Message);
        Assert.Contains("has 1", error.Message);
    }

    [Fact]
    public void Validate_FiftyOneLabels_ReportsLabelCount()
    {
        var labels = Enumerable.Range(1, JobRules.MaxLabels + 1).Select(i => $"label {i}").ToList();

        var error = SingleError(Valid with { Labels = labels }, nameof(JobDraft.Labels));

        Assert.Contains("between 2 and 50 labels", error.Message);
        Assert.Contains("has 51", error.Message);
    }

    [Fact]
    public void Validate_DuplicateLabelInOtherCase_ReportsTheDuplicate()
    {
        var error = SingleError(Valid with { Labels = ["Cat", "dog", "cat"] }, nameof(JobDraft.Labels));

        Assert.Contains("\"cat\"", error.Message);
        Assert.Contains("more than once", error.Message);
    }

    [Theory]
    [InlineData(" cat")]
    [InlineData("cat ")]
    public void Validate_LabelWithOuterSpace_ReportsTheSpaces(string label)
    {
        var error = SingleError(Valid with { Labels = [label, "dog"] }, nameof(JobDraft.Labels));

        Assert.Contains($"\"{label}\"", error.Message);
        Assert.Contains("spaces", error.Message);
    }

    [Fact]
    public void Validate_BlankLabel_ReportsBlank()
    {
        var error = SingleError(Valid with { Labels = ["cat", "dog", ""] }, nameof(JobDraft.Labels));

        Assert.Contains("blank", error.Message);
    }

    [Fact]
    public void Validate_LabelTooLong_ReportsTheLimit()
    {
        var error = SingleError(Valid with { Labels = ["cat", new string('x', JobRules.MaxLabelLength + 1)] }, nameof(JobDraft.Labels));

        Assert.Contains("longer than 100 characters", error.Message);
    }

    [Fact]
    public void Validate_LabelWithControlCharacter_ReportsIt()
    {
        var error = SingleError(Valid with { Labels = ["c\tat", "dog"] }, nameof(JobDraft.Labels));

        Assert.Contains("control characters", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(JobRules.MaxAnswersPerItem + 1)]
    public void Validate_AnswersPerItemOutOfRange_ReportsTheRange(int answers)
    {
        var error = SingleError(Valid with { AnswersPerItem = answers }, nameof(JobDraft.AnswersPerItem));

        Assert.Contains("between 1 and 25", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_PriceBelowOneCent_ReportsTheMinimum(long price)
    {
        var error = SingleError(Valid with { PricePerAnswer = price }, nameof(JobDraft.PricePerAnswer));

        Assert.Contains("at least 0.01", error.Message);
    }

    [Fact]
    public void Validate_PriceAboveMaximum_ReportsTheMaximum()
    {
        var error = SingleError(Valid with { PricePerAnswer = JobRules.MaxPricePerAnswer + 1 }, nameof(JobDraft.PricePerAnswer));

        Assert.Contains("at most 100.00", error.Message);
    }

    [Theory]
    [InlineData("CHF")]
    [InlineData("usd")]
    [InlineData("")]
    public void Validate_UnknownCurrency_ListsTheAcceptedOnes(string currency)
    {
        var error = SingleError(Valid with { Currency = currency }, nameof(JobDraft.Currency));

        Assert.Contains("USD, EUR, GBP, JPY", error.Message);
    }

    [Fact]
    public void Validate_YenPrice_IsWholeYenAndItsLimitReadsInYen()
    {
        var error = SingleError(Valid with { Currency = "JPY", PricePerAnswer = JobRules.MaxPricePerAnswer + 1 }, nameof(JobDraft.PricePerAnswer));

        Assert.Contains("at most 10000 JPY", error.Message);
        Assert.Empty(JobRules.Validate(Valid with { Currency = "JPY", PricePerAnswer = 50 }));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachField()
    {
        var errors = JobRules.Validate(new JobDraft("", "", [], 0, 0, "XXX"));

        Assert.Equal(
            [nameof(JobDraft.Name), nameof(JobDraft.Labels), nameof(JobDraft.AnswersPerItem), nameof(JobDraft.PricePerAnswer), nameof(JobDraft.Currency)],
            errors.Select(e => e.Field));
    }

    [Fact]
    public void ParseLabels_LinesAndCommas_SplitsAndTrims()
    {
        var labels = JobRules.ParseLabels(" cat \r\ndog,  bird\n\n , fish ,");

        Assert.Equal(["cat", "dog", "bird", "fish"], labels);
    }

    [Fact]
    public void ParseLabels_EmptyText_ReturnsNoLabels()
    {
        Assert.Empty(JobRules.ParseLabels("  \n , \r\n"));
    }

    [Fact]
    public void ParseLabels_InnerSpaces_AreKept()
    {
        Assert.Equal(["traffic light", "stop sign"], JobRules.ParseLabels("traffic light\nstop sign"));
    }
}
