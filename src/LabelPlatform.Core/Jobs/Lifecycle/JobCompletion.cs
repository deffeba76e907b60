using LabelPlatform.Common;

namespace LabelPlatform.Jobs.Lifecycle;

/// <summary>When a running job is done: no open slot and nobody still on an item.</summary>
public static class JobCompletion
{
    /// <summary>
    /// Completes the jobs of $1 (ids) at $2 that are done; returns their ids. $3 false leaves jobs with
    /// dynamic overlap alone: their items may still want answers, and the final-labels job decides that.
    /// </summary>
    public static readonly string CompleteSql = Sql.Named("Jobs/Lifecycle/JobCompletion.sql", "Complete");
}
