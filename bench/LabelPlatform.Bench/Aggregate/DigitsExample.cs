using LabelPlatform.Demo;
using LabelPlatform.Quality.Aggregation.Simulation;
using LabelPlatform.Quality.Policy;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LabelPlatform.Bench.Aggregate;

/// <summary>
/// Writes the README's worked example for the labelplatform tool (docs/examples/digits): the shipped digits model's
/// real predictions on the 597 digits it was not trained on (rows 1200–1796), the first 30 of them as gold, and a
/// simulated crowd's answers (5 per item, 15 gold answers per worker) in the order they arrived.
/// </summary>
public static class DigitsExample
{
    public static void Write(string seedData, string directory, int seed = 7)
    {
        var digits = DigitImages.Read(Path.Combine(seedData, "digits.csv.gz")).Where(d => d.Row >= 1200).ToList();
        using var session = new InferenceSession(Path.Combine(seedData, "models", "digits-mlp.onnx"));
        var input = new DenseTensor<float>([digits.Count, 1, 8, 8]);
        for (var i = 0; i < digits.Count; i++)
        {
            for (var p = 0; p < 64; p++)
            {
                input[i, 0, p / 8, p % 8] = digits[i].Pixels[p] / 16f;
            }
        }

        using var results = session.Run([NamedOnnxValue.CreateFromTensor("image", input)]);
        var probabilities = results.First(r => r.Name == "probabilities").AsTensor<float>();

        var random = new Random(seed);
        var workers = Enumerable.Range(0, 40).Select(w => w % 10 == 9 ? SimulatedWorker.Random(10)
            : w % 10 >= 6 ? SimulatedWorker.Realistic(10, 0.65 + (0.2 * random.NextDouble()), random)
            : SimulatedWorker.Realistic(10, 0.88 + (0.1 * random.NextDouble()), random)).ToArray();
        var answers = new List<ReplayAnswer>();
        var model = new List<ReplayPrediction>();
        var gold = new Dictionary<string, string>(StringComparer.Ordinal);
        var truth = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < digits.Count; i++)
        {
            var task = $"digit-{digits[i].Row}";
            var label = digits[i].Label;
            if (i < 30)
            {
                gold[task] = label.ToString(System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }

            truth[task] = label.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var best = Enumerable.Range(0, 10).MaxBy(k => probabilities[i, k]);
            model.Add(new ReplayPrediction(task, best.ToString(System.Globalization.CultureInfo.InvariantCulture), Math.Round(probabilities[i, best], 6)));
            foreach (var w in Enumerable.Range(0, workers.Length).OrderBy(_ => random.Next()).Take(5))
            {
                answers.Add(new ReplayAnswer($"worker-{w:D2}", task, workers[w].Answer(label, random).ToString(System.Globalization.CultureInfo.InvariantCulture), 0));
            }
        }

        for (var w = 0; w < workers.Length; w++)
        {
            foreach (var task in gold.Keys.OrderBy(_ => random.Next()).Take(15))
            {
                answers.Add(new ReplayAnswer($"worker-{w:D2}", task, workers[w].Answer(int.Parse(gold[task], System.Globalization.CultureInfo.InvariantCulture), random).ToString(System.Globalization.CultureInfo.InvariantCulture), 0));
            }
        }

        // Arrival order: shuffled, as answers come in from many workers at once.
        var ordered = answers.OrderBy(_ => random.Next()).Select((a, n) => a with { Order = n + 1 }).ToList();
        new SimulatedJob(ordered, model, gold, truth, "digits").Write(directory);
        Console.WriteLine($"Wrote {ordered.Count} answers, {model.Count} predictions, {gold.Count} gold and {truth.Count} true labels to {directory}");
    }
}
