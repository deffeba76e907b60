namespace LabelPlatform.Jobs.Lifecycle;

/// <summary>When a running job is done: no open slot and nobody still on an item.</summary>
public static class JobCompletion
{
    /// <summary>
    /// Completes the jobs of $1 (ids) at $2 that are done; returns their ids. $3 false leaves jobs with
    /// dynamic overlap alone: their items may still want answers, and the final-labels job decides that.
    /// </summary>
    public const string Sql = """
        UPDATE jobs j SET status = 'Completed', completed_at = $2
        WHERE j.id = ANY($1) AND j.status IN ('Running', 'Paused')
          AND ($3 OR coalesce((j.quality_policy->>'MaxAnswersPerItem')::int, 0) <= j.answers_per_item)
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.job_id = j.id AND i.remaining_slots > 0)
          AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.status = 'Leased')
        RETURNING j.id
        """;
}
