using LabelPlatform.Jobs;
using LabelPlatform.Labelling;

namespace LabelPlatform.UnitTests.Rules;

public class AnswerRulesTests
{
    private static readonly string[] Labels = ["cat", "dog", "bird"];

    private static AnswerSchema Schema(TaskKind kind, int minBox = 4, int maxBoxes = 3) => new(kind, Labels, minBox, maxBoxes, 384, 303);

    [Theory]
    [InlineData(TaskKind.ImageClassification)]
    [InlineData(TaskKind.TextClassification)]
    public void Validate_OneKnownLabel_Accepted(TaskKind kind) =>
        Assert.Null(AnswerRules.Validate(Schema(kind), Answer.OneLabel("dog")));

    [Fact]
    public void Validate_UnknownLabel_NamesItAndTheJobsLabels()
    {
        var error = AnswerRules.Validate(Schema(TaskKind.ImageClassification), Answer.OneLabel("horse"));

        Assert.Equal("invalid_answer", error?.Code);
        Assert.Equal("\"horse\" is not one of this job's labels (cat, dog, bird).", error!.Message);
    }

    [Fact]
    public void Validate_TwoLabelsOnAOneLabelJob_Refused() =>
        Assert.Equal("Choose exactly one label; this answer has 2.", AnswerRules.Validate(Schema(TaskKind.ImageClassification), Answer.ManyLabels(["cat", "dog"]))?.Message);

    [Fact]
    public void Validate_LabelsDifferingOnlyInCase_Refused() =>
        Assert.NotNull(AnswerRules.Validate(Schema(TaskKind.ImageClassification), Answer.OneLabel("Cat")));

    [Theory]
    [InlineData(TaskKind.ImageMultiLabel)]
    [InlineData(TaskKind.TextMultiLabel)]
    public void Validate_MultiLabelSubsetOrNothing_Accepted(TaskKind kind)
    {
        Assert.Null(AnswerRules.Validate(Schema(kind), Answer.ManyLabels(["cat", "bird"])));
        Assert.Null(AnswerRules.Validate(Schema(kind), Answer.ManyLabels([])));
    }

    [Fact]
    public void Validate_MultiLabelTwiceTheSame_Refused() =>
        Assert.Equal("\"cat\" is chosen twice.", AnswerRules.Validate(Schema(TaskKind.ImageMultiLabel), Answer.ManyLabels(["cat", "cat"]))?.Message);

    [Fact]
    public void Validate_BoxesInsideTheImage_Accepted() =>
        Assert.Null(AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), Answer.WithBoxes([new("cat", 0, 0, 384, 303), new("dog", 10.5, 20.25, 4, 4)])));

    [Fact]
    public void Validate_NoBoxes_AcceptedAsNothingToMark() =>
        Assert.Null(AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), Answer.WithBoxes([])));

    [Theory]
    [InlineData(380, 0, 10, 10, "Box 1 reaches outside the 384 × 303 px image.")]
    [InlineData(-1, 0, 10, 10, "Box 1 reaches outside the 384 × 303 px image.")]
    [InlineData(0, 0, 0, 10, "Box 1 has no area (0 × 10 px).")]
    [InlineData(0, 0, -5, 10, "Box 1 has no area (-5 × 10 px).")]
    [InlineData(0, 0, 3, 10, "Box 1 is 3 × 10 px; boxes must be at least 4 px on each side.")]
    [InlineData(double.NaN, 0, 10, 10, "Box 1 has a coordinate that is not a number.")]
    public void Validate_BadBox_NamesTheProblem(double x, double y, double w, double h, string message) =>
        Assert.Equal(message, AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), Answer.WithBoxes([new("cat", x, y, w, h)]))?.Message);

    [Fact]
    public void Validate_BoxEdgeHalfAPixelOutside_ToleratedAsRounding() =>
        Assert.Null(AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), Answer.WithBoxes([new("cat", 374.4, 293.4, 10, 10)])));

    [Fact]
    public void Validate_TooManyBoxes_SaysTheLimit() =>
        Assert.Equal(
            "This job allows at most 3 boxes per image; this answer has 4.",
            AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), Answer.WithBoxes(Enumerable.Repeat(new BoundingBox("cat", 0, 0, 10, 10), 4)))?.Message);

    [Fact]
    public void Validate_BoxWithUnknownClass_NamesTheBox() =>
        Assert.Equal(
            "Box 2: \"horse\" is not one of this job's labels (cat, dog, bird).",
            AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), Answer.WithBoxes([new("cat", 0, 0, 10, 10), new("horse", 0, 0, 10, 10)]))?.Message);

    [Fact]
    public void Validate_LabelsOnABoxJobOrBoxesOnALabelJob_Refused()
    {
        Assert.Equal("This job asks for boxes, not labels.", AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), Answer.OneLabel("cat"))?.Message);
        Assert.Equal("This job asks for a label, not boxes.", AnswerRules.Validate(Schema(TaskKind.ImageClassification), Answer.WithBoxes([new("cat", 0, 0, 10, 10)]))?.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"labels\": \"cat\"}")]
    [InlineData("{\"boxes\": [{\"label\": \"cat\", \"x\": \"1\"}]}")]
    public void FromJson_NotAnAnswer_IsNullAndValidationSaysSo(string? json)
    {
        var answer = Answer.FromJson(json);

        Assert.Null(answer);
        Assert.Equal("The answer is missing or is not valid JSON.", AnswerRules.Validate(Schema(TaskKind.BoundingBoxes), answer)?.Message);
    }

    [Fact]
    public void Json_RoundTrips_AndSameAsComparesContent()
    {
        var answer = Answer.WithBoxes([new("cat", 1.5, 2, 30, 40, Suggested: true)]);

        var back = Answer.FromJson(answer.ToJson());

        Assert.True(answer.SameAs(back));
        Assert.Equal("""{"labels":[],"boxes":[{"label":"cat","x":1.5,"y":2,"w":30,"h":40,"suggested":true}]}""", answer.ToJson());
        Assert.False(answer.SameAs(Answer.WithBoxes([new("cat", 1.5, 2, 30, 41)])));
        Assert.Equal("dog", Answer.OneLabel("dog").SingleLabel);
        Assert.Null(Answer.ManyLabels(["cat", "dog"]).SingleLabel);
    }
}
