using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Aggregation.Simulation;

namespace LabelPlatform.UnitTests.Quality;

public class VoteTests
{
    [Fact]
    public void MajorityVote_ClearWinner_HasItsPosteriorWithWorkersAtThePriorAccuracy()
    {
        var answers = new AnswerSet(1, 3, 3, [new(0, 0, 2), new(0, 1, 2), new(0, 2, 0)]);

        var final = MajorityVote.Decide(answers)[0];

        // One-coin workers at 70% among 3 labels: each vote multiplies its label's odds by 0.7·2/0.3 = 14/3.
        // Labels 2, 0, 1 have 2, 1 and 0 votes: posterior of 2 = (14/3)² / ((14/3)² + 14/3 + 1).
        Assert.Equal(2, final.Label);
        var w = 14.0 / 3;
        Assert.Equal(w * w / ((w * w) + w + 1), final.Confidence, 9);
    }

    [Fact]
    public void MajorityVote_OneAnswerFromAStranger_IsNotCertain()
    {
        var one = MajorityVote.Decide(new AnswerSet(1, 1, 2, [new(0, 0, 1)]))[0];
        var three = MajorityVote.Decide(new AnswerSet(1, 3, 2, [new(0, 0, 1), new(0, 1, 1), new(0, 2, 1)]))[0];
        var twoToOne = MajorityVote.Decide(new AnswerSet(1, 3, 2, [new(0, 0, 1), new(0, 1, 1), new(0, 2, 0)]))[0];

        Assert.Equal(WorkerPrior.Default.Mean, one.Confidence, 9);
        Assert.True(three.Confidence > twoToOne.Confidence);
        Assert.Equal(one.Confidence, twoToOne.Confidence, 9);
    }

    [Fact]
    public void WeightedVote_UnknownWorkerAndMajorityVote_UseTheSamePrior()
    {
        var answers = new AnswerSet(1, 2, 4, [new(0, 0, 3), new(0, 1, 3)]);

        var weighted = WeightedVote.Decide(answers, [WeightedVote.AccuracyFromGold(0, 0), WeightedVote.AccuracyFromGold(0, 0)])[0];

        Assert.Equal(MajorityVote.Decide(answers)[0], weighted);
    }

    [Fact]
    public void WeightedVote_ItemPrior_IsTheFirstVoter()
    {
        var answers = new AnswerSet(2, 1, 2, [new(0, 0, 1)]);
        double[] priors = [0.9, 0.1, 0.95, 0.05];

        var finals = WeightedVote.Decide(answers, [0.7], priors);

        // Item 0: prior 9:1 for label 0 against one 70% answer for 1 (7:3): 27:7 for label 0.
        Assert.Equal(0, finals[0].Label);
        Assert.Equal(27.0 / 34, finals[0].Confidence, 9);
        // Item 1: no answers, the prior decides.
        Assert.Equal(0, finals[1].Label);
        Assert.Equal(0.95, finals[1].Confidence, 9);
    }

    [Fact]
    public void MajorityVote_TopLabelsTie_HasNoLabel()
    {
        var answers = new AnswerSet(2, 4, 3, [new(0, 0, 1), new(0, 1, 0), new(0, 2, 0), new(0, 3, 1)]);

        var finals = MajorityVote.Decide(answers);

        Assert.Equal(FinalLabel.None, finals[0]);
        Assert.Equal(FinalLabel.None, finals[1]);
    }

    [Fact]
    public void WeightedVote_ReliableWorkerOutvotesTwoPoorOnes()
    {
        var answers = new AnswerSet(1, 3, 3, [new(0, 0, 2), new(0, 1, 1), new(0, 2, 1)]);

        var final = WeightedVote.Decide(answers, [0.95, 0.45, 0.45])[0];

        // weights: log(0.95·2/0.05) = 3.64 against 2·log(0.45·2/0.55) = 0.98; softmax over (0, 0.98, 3.64).
        Assert.Equal(2, final.Label);
        Assert.Equal(Math.Exp(3.6376) / (1 + Math.Exp(0.9849) + Math.Exp(3.6376)), final.Confidence, 3);
    }

    [Fact]
    public void WeightedVote_AccuraciesKnown_BeatsMajorityVote()
    {
        var random = new Random(21);
        var workers = Enumerable.Range(0, 60).Select(_ => SimulatedWorker.OneCoin(3, 0.4 + (0.55 * random.NextDouble()))).ToList();
        var crowd = new SimulatedCrowd([1 / 3.0, 1 / 3.0, 1 / 3.0], workers);
        var labelling = crowd.Label(5000, 5, new Random(22));
        var accuracies = workers.Select(w => w.Accuracy(crowd.Priors)).ToArray();

        var majority = labelling.Accuracy(MajorityVote.Decide(labelling.Answers));
        var weighted = labelling.Accuracy(WeightedVote.Decide(labelling.Answers, accuracies));

        Assert.True(weighted > majority + 0.02, $"weighted {weighted:0.000}, majority {majority:0.000}");
    }

    [Fact]
    public void AccuracyFromGold_IsTheBetaPosteriorMean()
    {
        Assert.Equal(9.4 / 12, WeightedVote.AccuracyFromGold(correct: 8, total: 10), 9);
        Assert.Equal(0.7, WeightedVote.AccuracyFromGold(correct: 0, total: 0), 9);
        Assert.Equal(11.0 / 14, WeightedVote.AccuracyFromGold(correct: 9, total: 10, new WorkerPrior(2, 2)), 9);
    }

    [Fact]
    public void Weight_WorkerAtChance_CountsForNothing()
    {
        Assert.Equal(0, WeightedVote.Weight(0.25, labelCount: 4), 9);
        Assert.True(WeightedVote.Weight(0.1, labelCount: 4) < 0);
    }
}
