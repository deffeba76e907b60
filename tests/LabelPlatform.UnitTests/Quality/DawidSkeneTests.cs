using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Aggregation.Simulation;

namespace LabelPlatform.UnitTests.Quality;

public class DawidSkeneTests
{
    private static readonly SimulatedLabelling Mixed = Crowds.Mixed(seed: 7).Label(4000, 5, new Random(11));

    [Fact]
    public void Run_MixedCrowdWithAdversarialAndRandomWorkers_RecoversTruthBetterThanMajorityVote()
    {
        var majority = Mixed.Accuracy(MajorityVote.Decide(Mixed.Answers));
        var dawidSkene = DawidSkene.Run(Mixed.Answers);

        Assert.True(dawidSkene.Converged);
        Assert.True(Mixed.Accuracy(dawidSkene.Labels) > majority + 0.05, $"Dawid–Skene {Mixed.Accuracy(dawidSkene.Labels):0.000}, majority vote {majority:0.000}");
        Assert.True(Mixed.Accuracy(dawidSkene.Labels) > 0.95, $"Dawid–Skene {Mixed.Accuracy(dawidSkene.Labels):0.000}");
    }

    [Fact]
    public void Run_MixedCrowd_EstimatesConfusionMatricesCloseToTheTrueOnes()
    {
        var crowd = Crowds.Mixed(seed: 7);
        var result = DawidSkene.Run(Mixed.Answers);

        var errors = crowd.Workers.Select((worker, w) => MeanAbsoluteError(worker.Confusion, result.ConfusionOf(w))).ToList();

        Assert.True(errors.Average() < 0.05, $"mean absolute error {errors.Average():0.000}");
        Assert.True(errors.Max() < 0.1, $"worst worker's mean absolute error {errors.Max():0.000}");
    }

    [Fact]
    public void Run_AdversarialWorker_IsFoundToSwapLabels()
    {
        var result = DawidSkene.Run(Mixed.Answers);
        var adversary = Crowds.Mixed(seed: 7).Workers.ToList().FindIndex(w => w.Kind == "adversarial");

        Assert.True(result.AccuracyOf(adversary) < 0.2);
        Assert.True(result.Confusion(adversary, truth: 0, given: 1) > 0.8);
    }

    [Fact]
    public void Run_MixedCrowd_EstimatesPriors()
    {
        var result = DawidSkene.Run(Mixed.Answers);

        Assert.Equal(0.5, result.Priors[0], 0.03);
        Assert.Equal(0.3, result.Priors[1], 0.03);
        Assert.Equal(0.2, result.Priors[2], 0.03);
    }

    [Fact]
    public void Run_SameAnswersTwice_GivesIdenticalResults()
    {
        var labelling = Crowds.Mixed(seed: 3).Label(20_000, 4, new Random(5));

        var first = DawidSkene.Run(labelling.Answers);
        var second = DawidSkene.Run(labelling.Answers);

        Assert.Equal(first.Iterations, second.Iterations);
        Assert.Equal(first.LogLikelihood, second.LogLikelihood);
        for (var item = 0; item < labelling.Answers.ItemCount; item++)
        {
            Assert.True(first.PosteriorOf(item).SequenceEqual(second.PosteriorOf(item)));
        }
    }

    [Fact]
    public void Run_IterationCapReached_ReportsNotConverged()
    {
        var result = DawidSkene.Run(Mixed.Answers, new DawidSkeneOptions(MaxIterations: 1));

        Assert.Equal(1, result.Iterations);
        Assert.False(result.Converged);
    }

    [Fact]
    public void Run_ItemWithoutAnswers_HasNoLabelAndThePriorAsPosterior()
    {
        var answers = new AnswerSet(3, 2, 2, [new(0, 0, 1), new(0, 1, 1), new(1, 0, 0), new(1, 1, 0)]);

        var result = DawidSkene.Run(answers);

        Assert.False(result.Labels[2].HasLabel);
        Assert.Equal(result.Priors, result.PosteriorOf(2).ToArray());
        Assert.Equal(1, result.Labels[0].Label);
        Assert.Equal(0, result.Labels[1].Label);
    }

    [Fact]
    public void Run_Posteriors_SumToOneAndConfidenceIsTheWinnersPosterior()
    {
        var result = DawidSkene.Run(Mixed.Answers);

        for (var item = 0; item < 100; item++)
        {
            Assert.Equal(1, result.PosteriorOf(item).ToArray().Sum(), 9);
            Assert.Equal(result.PosteriorOf(item)[result.Labels[item].Label], result.Labels[item].Confidence);
        }
    }

    private static double MeanAbsoluteError(ReadOnlySpan<double> truth, ReadOnlySpan<double> estimate)
    {
        var sum = 0.0;
        for (var i = 0; i < truth.Length; i++)
        {
            sum += Math.Abs(truth[i] - estimate[i]);
        }

        return sum / truth.Length;
    }
}
