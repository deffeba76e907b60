using LabelPlatform.Quality.Aggregation.Simulation;

namespace LabelPlatform.UnitTests.Quality;

/// <summary>Simulated crowds with known confusion matrices, the same on every run.</summary>
internal static class Crowds
{
    public const int Labels = 3;

    /// <summary>16 good, 12 mediocre, 6 adversarial (swap labels) and 6 random workers; labels unbalanced.</summary>
    public static SimulatedCrowd Mixed(int seed)
    {
        var random = new Random(seed);
        var workers = new List<SimulatedWorker>();
        workers.AddRange(Enumerable.Range(0, 16).Select(_ => SimulatedWorker.Realistic(Labels, 0.88, random)));
        workers.AddRange(Enumerable.Range(0, 12).Select(_ => SimulatedWorker.Realistic(Labels, 0.65, random)));
        workers.AddRange(Enumerable.Range(0, 6).Select(_ => SimulatedWorker.Adversarial(Labels, 0.9)));
        workers.AddRange(Enumerable.Range(0, 6).Select(_ => SimulatedWorker.Random(Labels)));
        return new SimulatedCrowd([0.5, 0.3, 0.2], workers);
    }
}
