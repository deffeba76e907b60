using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Review.Inference;

namespace LabelPlatform.UnitTests.Quality;

/// <summary>Softmax through TensorPrimitives: the model's logits and the aggregators' log scores.</summary>
public class SoftmaxTests
{
    [Fact]
    public void Classifier_LargeLogits_GiveProbabilitiesNotOverflow()
    {
        float[] logits = [1000f, 999f, 0f];

        Classifier.Softmax(logits);

        Assert.Equal(0.7311f, logits[0], 4);
        Assert.Equal(0.2689f, logits[1], 4);
        Assert.Equal(0f, logits[2], 6);
        Assert.Equal(1f, logits.Sum(), 5);
    }

    [Fact]
    public void Posterior_Normalise_ReturnsProbabilitiesAndTheLogNormaliser()
    {
        double[] scores = [Math.Log(1), Math.Log(3)];

        var logZ = Posterior.Normalise(scores);

        Assert.Equal([0.25, 0.75], scores.Select(s => Math.Round(s, 12)));
        Assert.Equal(Math.Log(4), logZ, 12);
    }

    [Fact]
    public void Posterior_Normalise_EveryLabelImpossible_SaysNothingRatherThanNaN()
    {
        double[] scores = [double.NegativeInfinity, double.NegativeInfinity];

        Posterior.Normalise(scores);

        Assert.Equal([0.5, 0.5], scores);
    }
}
