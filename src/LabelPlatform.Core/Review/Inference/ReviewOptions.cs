namespace LabelPlatform.Review.Inference;

/// <summary>The "Review" configuration section: where and how models run.</summary>
public sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>"cpu" (default) or "cuda": CUDA when the GPU runtime and a GPU are present, else CPU with one logged notice.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>How many pending submissions one review job takes.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>How many submissions of one job a reviewer gets in one batch (at most <see cref="MaxReviewBatchSize"/>).</summary>
    public int ReviewBatchSize { get; set; } = 20;

    public const int MaxReviewBatchSize = 50;

    /// <summary>How long a reviewer holds a batch before its undecided submissions go back to the queue.</summary>
    public int ReviewBatchLeaseMinutes { get; set; } = 30;

    /// <summary>Threads for one inference (0: ONNX Runtime's default, one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>CPU time an uploaded model may use to load and run its test batch, in its own process (<see cref="Models.ModelSandbox"/>).</summary>
    public double ModelCheckCpuSeconds { get; set; } = 30;

    /// <summary>Memory (resident) an uploaded model's check process may use, in MiB.</summary>
    public int ModelCheckMemoryMiB { get; set; } = 2048;
}
