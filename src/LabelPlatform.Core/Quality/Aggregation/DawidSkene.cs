namespace LabelPlatform.Quality.Aggregation;

/// <param name="MaxIterations">EM stops after this many iterations even if it has not converged.</param>
/// <param name="Tolerance">EM has converged when no item's posterior probability of any label moved by more than this in one iteration.</param>
/// <param name="Smoothing">Laplace pseudo-count added to every confusion-matrix cell and every class prior, so a worker
/// never seen on a class is not certain about it (and no probability is ever 0). Must be positive.</param>
public sealed record DawidSkeneOptions(int MaxIterations = 100, double Tolerance = 1e-4, double Smoothing = 1.0)
{
    public static readonly DawidSkeneOptions Default = new();
}

/// <summary>
/// Dawid and Skene (1979): every worker has a K×K confusion matrix (the probability of answering label l
/// when the truth is k) and the labels have prior probabilities; expectation–maximisation alternates the
/// items' posteriors over their true label (E) and the matrices and priors that best explain them (M).
/// Started from the soft majority vote (each item's vote shares), so the labels mean what most workers
/// meant and a worker who systematically swaps labels is found out rather than believed.
/// </summary>
public static class DawidSkene
{
    private const int ItemsPerChunk = 2048;
    private const int MaxChunks = 64;
    private const long ChunkBufferBudget = 64L * 1024 * 1024;

    public static DawidSkeneResult Run(AnswerSet answers, DawidSkeneOptions? options = null)
    {
        options ??= DawidSkeneOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxIterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Smoothing);

        var (n, k, w) = (answers.ItemCount, answers.LabelCount, answers.WorkerCount);
        var posteriors = MajorityVote.Shares(answers);

        // Answers are grouped by item, so items split into chunks that EM works on in parallel. Each chunk
        // adds its M-step counts into its own buffer and the buffers are summed in chunk order: the same
        // input gives the same result to the last bit, however many cores run it.
        var cellCount = (long)w * k * k;
        var chunkCount = (int)Math.Clamp(
            Math.Min((n + ItemsPerChunk - 1) / ItemsPerChunk, ChunkBufferBudget / Math.Max(1, cellCount * sizeof(double))), 1, MaxChunks);
        var chunks = new Chunk[chunkCount];
        for (var c = 0; c < chunkCount; c++)
        {
            chunks[c] = new Chunk((int)((long)n * c / chunkCount), (int)((long)n * (c + 1) / chunkCount), (int)cellCount, k);
        }

        // Cells are kept as [worker][given][true] so one answer's column of log-probabilities is contiguous.
        var counts = new double[cellCount];
        var priorCounts = new double[k];
        var logConfusion = new double[cellCount];
        var logPriors = new double[k];

        Parallel.For(0, chunkCount, c => chunks[c].Count(answers, posteriors));
        Merge(chunks, counts, priorCounts);

        var (iterations, converged, logLikelihood) = (0, false, double.NaN);
        while (iterations < options.MaxIterations)
        {
            Estimate(counts, priorCounts, options.Smoothing, w, k, logConfusion, logPriors);
            Parallel.For(0, chunkCount, c => chunks[c].Expect(answers, posteriors, logConfusion, logPriors));
            Merge(chunks, counts, priorCounts);
            iterations++;
            logLikelihood = chunks.Sum(c => c.LogLikelihood);
            if (chunks.Max(c => c.LargestChange) < options.Tolerance)
            {
                converged = true;
                break;
            }
        }

        // The returned matrices and priors are the M-step of the final posteriors.
        Estimate(counts, priorCounts, options.Smoothing, w, k, logConfusion, logPriors);
        var confusion = new double[cellCount];
        for (var worker = 0; worker < w; worker++)
        {
            for (var given = 0; given < k; given++)
            {
                for (var truth = 0; truth < k; truth++)
                {
                    confusion[(((long)worker * k) + truth) * k + given] = Math.Exp(logConfusion[(((long)worker * k) + given) * k + truth]);
                }
            }
        }

        var labels = new FinalLabel[n];
        for (var item = 0; item < n; item++)
        {
            labels[item] = answers.AnswerCountOf(item) == 0
                ? FinalLabel.None
                : Posterior.ArgMax(posteriors.AsSpan(item * k, k));
        }

        return new DawidSkeneResult(k, labels, posteriors, confusion, [.. logPriors.Select(Math.Exp)], iterations, converged, logLikelihood);
    }

    private static void Merge(Chunk[] chunks, double[] counts, double[] priorCounts)
    {
        Array.Clear(counts);
        Array.Clear(priorCounts);
        foreach (var chunk in chunks)
        {
            Add(counts, chunk.Counts);
            Add(priorCounts, chunk.PriorCounts);
        }
    }

    private static void Add(Span<double> into, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] += values[i];
        }
    }

    /// <summary>M-step: smoothed confusion matrices and priors from expected counts, as logs.</summary>
    private static void Estimate(double[] counts, double[] priorCounts, double smoothing, int w, int k, double[] logConfusion, double[] logPriors)
    {
        Span<double> rowTotals = k <= 128 ? stackalloc double[k] : new double[k];
        for (var worker = 0; worker < w; worker++)
        {
            var block = counts.AsSpan(worker * k * k, k * k);
            rowTotals.Clear();
            for (var given = 0; given < k; given++)
            {
                for (var truth = 0; truth < k; truth++)
                {
                    rowTotals[truth] += block[(given * k) + truth];
                }
            }

            var logBlock = logConfusion.AsSpan(worker * k * k, k * k);
            for (var given = 0; given < k; given++)
            {
                for (var truth = 0; truth < k; truth++)
                {
                    var cell = (given * k) + truth;
                    logBlock[cell] = Math.Log((block[cell] + smoothing) / (rowTotals[truth] + (k * smoothing)));
                }
            }
        }

        var items = priorCounts.Sum();
        for (var truth = 0; truth < k; truth++)
        {
            logPriors[truth] = Math.Log((priorCounts[truth] + smoothing) / (items + (k * smoothing)));
        }
    }

    /// <summary>A contiguous range of items and the counts its answers add to the next M-step.</summary>
    private sealed class Chunk(int from, int to, int cells, int k)
    {
        public double[] Counts { get; } = new double[cells];

        public double[] PriorCounts { get; } = new double[k];

        public double LogLikelihood { get; private set; }

        public double LargestChange { get; private set; }

        public void Count(AnswerSet answers, double[] posteriors)
        {
            Array.Clear(Counts);
            Array.Clear(PriorCounts);
            var start = answers.ItemStart;
            var workers = answers.AllWorkers;
            var labels = answers.AllLabels;
            for (var item = from; item < to; item++)
            {
                if (start[item] != start[item + 1])
                {
                    Accumulate(posteriors.AsSpan(item * k, k), workers[start[item]..start[item + 1]], labels[start[item]..start[item + 1]]);
                }
            }
        }

        /// <summary>E-step for the chunk's items, then their counts for the next M-step.</summary>
        public void Expect(AnswerSet answers, double[] posteriors, double[] logConfusion, double[] logPriors)
        {
            Array.Clear(Counts);
            Array.Clear(PriorCounts);
            var start = answers.ItemStart;
            var workers = answers.AllWorkers;
            var labels = answers.AllLabels;
            Span<double> score = k <= 128 ? stackalloc double[k] : new double[k];
            var (logLikelihood, largestChange) = (0.0, 0.0);
            for (var item = from; item < to; item++)
            {
                var posterior = posteriors.AsSpan(item * k, k);
                var (first, end) = (start[item], start[item + 1]);
                if (first == end)
                {
                    // No answers: the item's posterior is the prior, and it says nothing about the prior.
                    for (var truth = 0; truth < k; truth++)
                    {
                        posterior[truth] = Math.Exp(logPriors[truth]);
                    }

                    continue;
                }

                logPriors.CopyTo(score);
                for (var a = first; a < end; a++)
                {
                    var column = logConfusion.AsSpan(((workers[a] * k) + labels[a]) * k, k);
                    for (var truth = 0; truth < k; truth++)
                    {
                        score[truth] += column[truth];
                    }
                }

                logLikelihood += Posterior.Normalise(score);
                for (var truth = 0; truth < k; truth++)
                {
                    largestChange = Math.Max(largestChange, Math.Abs(score[truth] - posterior[truth]));
                }

                score.CopyTo(posterior);
                Accumulate(posterior, workers[first..end], labels[first..end]);
            }

            (LogLikelihood, LargestChange) = (logLikelihood, largestChange);
        }

        private void Accumulate(ReadOnlySpan<double> posterior, ReadOnlySpan<int> workers, ReadOnlySpan<int> labels)
        {
            for (var truth = 0; truth < k; truth++)
            {
                PriorCounts[truth] += posterior[truth];
            }

            for (var a = 0; a < workers.Length; a++)
            {
                var column = Counts.AsSpan(((workers[a] * k) + labels[a]) * k, k);
                for (var truth = 0; truth < k; truth++)
                {
                    column[truth] += posterior[truth];
                }
            }
        }
    }
}
