namespace LabelPlatform.Quality.Aggregation;

/// <param name="MaxIterations">EM stops after this many iterations even if it has not converged.</param>
/// <param name="Tolerance">EM has converged when no item's posterior probability of any label moved by more than this in one iteration.</param>
/// <param name="Smoothing">A tiny pseudo-count added to every confusion-matrix cell and class prior only so that no
/// probability is exactly 0 (a label nobody has used yet). It is not the prior: 1.0 here used to swamp workers with
/// a few answers and collapse the result to majority vote.</param>
/// <param name="Prior">What a worker is believed to be before their answers say otherwise: each row of their confusion
/// matrix starts with <see cref="WorkerPrior.Right"/> pseudo-answers on the diagonal and <see cref="WorkerPrior.Wrong"/>
/// spread over the other labels (a Dirichlet prior; the EM finds the MAP estimate). <see cref="WorkerPrior.None"/>
/// gives the maximum-likelihood EM of the 1979 paper.</param>
/// <param name="ClassPrior">Pseudo-items per label in the class prior (a Dirichlet prior). Without it, a re-estimate over
/// sparse workers can explain every answer by one class and careless workers, and the priors collapse to that class.</param>
public sealed record DawidSkeneOptions(int MaxIterations = 100, double Tolerance = 1e-4, double Smoothing = 0.01, WorkerPrior? Prior = null, double ClassPrior = 10)
{
    public static readonly DawidSkeneOptions Default = new();

    public WorkerPrior WorkerPrior => Prior ?? WorkerPrior.Default;
}

/// <summary>
/// Dawid and Skene (1979): every worker has a K×K confusion matrix (the probability of answering label l
/// when the truth is k) and the labels have prior probabilities; expectation–maximisation alternates the
/// items' posteriors over their true label (E) and the matrices and priors that best explain them (M).
/// Started from the soft majority vote (each item's vote shares), so the labels mean what most workers
/// meant and a worker who systematically swaps labels is found out rather than believed. An item may carry its
/// own prior over the labels (the calibrated model's view of it, or a gold item's known answer): it then replaces
/// the class prior in that item's posterior (ADR 0015).
/// </summary>
public static class DawidSkene
{
    private const int ItemsPerChunk = 2048;
    private const int MaxChunks = 64;
    private const long ChunkBufferBudget = 64L * 1024 * 1024;

    /// <param name="itemPriors">Optional, ItemCount × LabelCount: a row of probabilities replaces the class prior for that
    /// item; a row of zeros means none.</param>
    public static DawidSkeneResult Run(AnswerSet answers, DawidSkeneOptions? options = null, double[]? itemPriors = null)
    {
        options ??= DawidSkeneOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxIterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Smoothing);
        var prior = options.WorkerPrior;
        if (prior.Right < 0 || prior.Wrong < 0 || options.Smoothing + prior.Right + prior.Wrong <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Dawid–Skene needs a positive smoothing or worker prior, so no probability is 0.");
        }

        var (n, k, w) = (answers.ItemCount, answers.LabelCount, answers.WorkerCount);
        if (itemPriors is not null && itemPriors.Length != n * k)
        {
            throw new ArgumentException($"Item priors need {n} × {k} entries.", nameof(itemPriors));
        }

        var logItemPriors = itemPriors?.Select(p => p > 0 ? Math.Log(p) : double.NegativeInfinity).ToArray();
        var hasItemPrior = new bool[n];
        for (var item = 0; itemPriors is not null && item < n; item++)
        {
            hasItemPrior[item] = itemPriors.AsSpan(item * k, k).ContainsAnyExcept(0.0);
        }

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
            Estimate(counts, priorCounts, options.Smoothing, prior, options.ClassPrior, w, k, logConfusion, logPriors);
            Parallel.For(0, chunkCount, c => chunks[c].Expect(answers, posteriors, logConfusion, logPriors, logItemPriors, hasItemPrior));
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
        Estimate(counts, priorCounts, options.Smoothing, prior, options.ClassPrior, w, k, logConfusion, logPriors);
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
            labels[item] = answers.AnswerCountOf(item) == 0 && !hasItemPrior[item]
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

    /// <summary>M-step: the MAP confusion matrices (expected counts plus the worker prior's pseudo-answers) and class priors, as logs.</summary>
    private static void Estimate(double[] counts, double[] priorCounts, double smoothing, WorkerPrior prior, double classPrior, int w, int k, double[] logConfusion, double[] logPriors)
    {
        var (right, wrong) = (prior.Right + smoothing, (prior.Wrong / (k - 1)) + smoothing);
        var rowPrior = prior.Right + prior.Wrong + (k * smoothing);
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
                    logBlock[cell] = Math.Log((block[cell] + (given == truth ? right : wrong)) / (rowTotals[truth] + rowPrior));
                }
            }
        }

        var items = priorCounts.Sum();
        for (var truth = 0; truth < k; truth++)
        {
            logPriors[truth] = Math.Log((priorCounts[truth] + smoothing + classPrior) / (items + (k * (smoothing + classPrior))));
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
        public void Expect(AnswerSet answers, double[] posteriors, double[] logConfusion, double[] logPriors, double[]? logItemPriors, bool[] hasItemPrior)
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
                ReadOnlySpan<double> own = hasItemPrior[item] ? logItemPriors.AsSpan(item * k, k) : logPriors;
                if (first == end)
                {
                    // No answers: the item's posterior is its prior, and it says nothing about the class prior.
                    own.CopyTo(score);
                    Posterior.Normalise(score);
                    score.CopyTo(posterior);
                    continue;
                }

                own.CopyTo(score);
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
