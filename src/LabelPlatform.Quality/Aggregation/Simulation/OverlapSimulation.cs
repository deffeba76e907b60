namespace LabelPlatform.Quality.Aggregation.Simulation;

/// <summary>
/// How a labelling strategy did on a simulated crowd: accuracy against the truth (an item without a final
/// label counts as wrong), answers bought, items left without a final label (ties), and items that reached
/// the most answers still unsure (dynamic overlap).
/// </summary>
public sealed record OverlapOutcome(string Strategy, int Items, double Accuracy, double AnswersPerItem, int Unlabelled, int Exhausted, int Rounds);

/// <summary>Runs a simulated job to compare what a strategy costs (answers bought) with what it gets right.</summary>
public static class OverlapSimulation
{
    /// <summary>Every item gets <paramref name="overlap"/> answers; majority vote decides (a tie is wrong).</summary>
    public static OverlapOutcome FixedMajority(SimulatedCrowd crowd, int items, int overlap, int seed)
    {
        var labelling = crowd.Label(items, overlap, new Random(seed));
        var labels = MajorityVote.Decide(labelling.Answers);
        return new OverlapOutcome($"fixed overlap {overlap}, majority vote", items, labelling.Accuracy(labels), overlap, labels.Count(l => !l.HasLabel), 0, 1);
    }

    /// <summary>Every item gets <paramref name="overlap"/> answers; Dawid–Skene decides.</summary>
    public static OverlapOutcome FixedDawidSkene(SimulatedCrowd crowd, int items, int overlap, int seed)
    {
        var labelling = crowd.Label(items, overlap, new Random(seed));
        var labels = DawidSkene.Run(labelling.Answers).Labels;
        return new OverlapOutcome($"fixed overlap {overlap}, Dawid–Skene", items, labelling.Accuracy(labels), overlap, labels.Count(l => !l.HasLabel), 0, 1);
    }

    /// <summary>
    /// Dynamic overlap with Dawid–Skene: every item gets <see cref="DynamicOverlap.MinAnswers"/> answers;
    /// then, round after round, Dawid–Skene runs over all answers so far and each item the policy asks
    /// about gets one more answer from a worker who has not answered it, until no item asks. The same
    /// <paramref name="seed"/> draws the same true labels as <see cref="FixedMajority"/>.
    /// </summary>
    public static OverlapOutcome DynamicDawidSkene(SimulatedCrowd crowd, int items, DynamicOverlap policy, int seed, DawidSkeneOptions? options = null)
    {
        var random = new Random(seed);
        var truth = new int[items];
        var perItem = new List<int>[items];
        var answers = new List<LabelAnswer>(items * policy.MinAnswers * 2);
        var open = new List<int>(items);
        for (var item = 0; item < items; item++)
        {
            truth[item] = crowd.DrawTruth(random);
        }

        for (var item = 0; item < items; item++)
        {
            perItem[item] = new List<int>(policy.MaxAnswers);
            open.Add(item);
        }

        var (rounds, exhausted) = (0, 0);
        var pending = open.Select(i => (Item: i, Count: policy.MinAnswers)).ToList();
        DawidSkeneResult result;
        while (true)
        {
            foreach (var (item, count) in pending)
            {
                for (var a = 0; a < count; a++)
                {
                    var worker = crowd.NewWorker(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(perItem[item]), random);
                    perItem[item].Add(worker);
                    answers.Add(new LabelAnswer(item, worker, crowd.Workers[worker].Answer(truth[item], random)));
                }
            }

            rounds++;
            var set = new AnswerSet(items, crowd.Workers.Count, crowd.LabelCount, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(answers));
            result = DawidSkene.Run(set, options);
            pending.Clear();
            var stillOpen = new List<int>(open.Count);
            foreach (var item in open)
            {
                switch (policy.Decide(set.LabelsOf(item), result.Labels[item]))
                {
                    case OverlapDecision.AskForOneMore:
                        pending.Add((item, 1));
                        stillOpen.Add(item);
                        break;
                    case OverlapDecision.Exhausted:
                        exhausted++;
                        break;
                }
            }

            open = stillOpen;
            if (pending.Count == 0)
            {
                break;
            }
        }

        return new OverlapOutcome(
            $"dynamic overlap {policy.MinAnswers}–{policy.MaxAnswers} to {policy.TargetConfidence:0.##}, Dawid–Skene",
            items, SimulatedCrowd.Accuracy(result.Labels, truth), (double)answers.Count / items, result.Labels.Count(l => !l.HasLabel), exhausted, rounds);
    }
}
