using LabelPlatform.Quality.FinalLabels;

namespace LabelPlatform.Exports.ItemResults;

/// <summary>
/// Where an item stands, in the exports' words: gold, done (settled: as sure as the job asks, or decided
/// by a reviewer), undecided (out of answers below the target: waiting for a reviewer), machine_labelled
/// (the model alone, waiting for its calibration), in_progress, not_started.
/// </summary>
public static class ItemStatus
{
    public static string Of(bool gold, string? finalState, bool machineLabelled, bool machineAudit, int answers) =>
        gold ? "gold"
        : finalState == FinalState.Settled ? "done"
        : finalState == FinalState.Undecided ? "undecided"
        : machineLabelled && !machineAudit ? "machine_labelled"
        : answers == 0 ? "not_started" : "in_progress";
}
