using System.Globalization;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Policy;

namespace LabelPlatform.Cli;

/// <summary>The tool's commands. Files use crowd-kit's column names (worker, task, label), so they move between the two.</summary>
public static class Commands
{
    public const string Usage = """
        usage: labelplatform COMMAND [options]

          aggregate --answers FILE --method mv|wmv|ds [--gold FILE] [--out FILE]
              One final label per task from crowd answers. FILE columns: worker,task,label (answers);
              task,label (gold). Writes task,label,confidence: the label's posterior probability (empty
              label: no winner). mv: every worker as accurate as an unknown worker (70%); wmv: each worker
              weighed by their accuracy on the gold tasks; ds: Dawid–Skene (EM over each worker's
              confusion between labels), gold tasks held at their known label.

          replay --answers FILE --model FILE [--gold FILE] [--truth FILE] [--out FILE] [policy options]
              What a job would have cost and got right under a labelling policy: replays the recorded
              answers (worker,task,label,order) through the model pre-filter, audit, gold and dynamic
              overlap, buying an answer only when the policy asks for one. --model: task,label,confidence
              (the model's label and raw confidence); --gold: task,label (gold tasks); --truth: task,label.
              --out writes task,label,confidence,source,answers,undecided. Ends with one line:
              RESULT replay items=… answers_per_item=… accuracy=… undecided=…
              Policy options (the defaults of a new job unless given):
                --target P            posterior of the top label that settles an item
                --min-answers N       answers an item gets before its posterior can settle it (the model can still settle it alone)
                --max-answers N       most answers per item before it goes to a reviewer as undecided
                --audit-share S       share of model-settled items people label anyway, to calibrate the model
                --gold-rate S         share of an established worker's tasks that are gold
                --new-worker-gold-rate S   the share before --min-gold-answers gold answers
                --min-accuracy A      block a worker below this accuracy on gold (0: never)
                --min-gold-answers N  gold answers before an accuracy can block
        """;

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var options = Options.Parse(args.Skip(1).ToArray());
        return args[0] switch
        {
            "aggregate" => Aggregate(options, output),
            "replay" => ReplayCommand(options, output),
            _ => throw new CliException($"no command '{args[0]}'; the commands are aggregate and replay (labelplatform --help)."),
        };
    }

    private static int Aggregate(Options options, TextWriter output)
    {
        options.Allow("answers", "method", "gold", "out");
        var answersFile = options.Required("answers");
        var method = options.Required("method");
        if (method is not ("mv" or "wmv" or "ds"))
        {
            throw new CliException($"--method is mv, wmv or ds, not '{method}'.");
        }

        var answers = Csv.Read(answersFile, "worker", "task", "label").Select(r => (Worker: r.Values[0], Task: r.Values[1], Label: r.Values[2])).ToList();
        var gold = options.Get("gold") is { } goldFile ? ReadLabels(goldFile) : new Dictionary<string, string>(StringComparer.Ordinal);

        var labels = answers.Select(a => a.Label).Concat(gold.Values).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (labels.Count < 2)
        {
            throw new CliException("the answers and gold name fewer than two labels; there is nothing to decide.");
        }

        var builder = new AnswerSetBuilder<string, string>(labels);
        foreach (var a in answers)
        {
            builder.Add(a.Task, a.Worker, a.Label);
        }

        var set = builder.Build();
        var k = labels.Count;
        IReadOnlyList<FinalLabel> finals;
        switch (method)
        {
            case "mv":
                finals = MajorityVote.Decide(set);
                break;
            case "wmv":
                var score = new Dictionary<string, (int Right, int Total)>(StringComparer.Ordinal);
                foreach (var a in answers.Where(a => gold.ContainsKey(a.Task)))
                {
                    var (right, total) = score.GetValueOrDefault(a.Worker);
                    score[a.Worker] = (right + (gold[a.Task] == a.Label ? 1 : 0), total + 1);
                }

                finals = WeightedVote.Decide(set, builder.Workers.Select(w => score.TryGetValue(w, out var s) ? WorkerPrior.Default.AccuracyFrom(s.Right, s.Total) : WorkerPrior.Default.Mean).ToArray());
                break;
            default:
                var priors = new double[set.ItemCount * k];
                foreach (var (task, label) in gold)
                {
                    if (builder.Items.Contains(task))
                    {
                        var item = builder.ItemIndex(task);
                        priors.AsSpan(item * k, k).Fill(1e-9);
                        priors[(item * k) + labels.IndexOf(label)] = 1;
                    }
                }

                finals = DawidSkene.Run(set, itemPriors: priors).Labels;
                break;
        }

        var rows = builder.Items.Select((task, i) => new[] { task, builder.LabelOf(finals[i]), F(finals[i].HasLabel ? finals[i].Confidence : 0) });
        WriteOut(options.Get("out"), output, ["task", "label", "confidence"], rows);
        return 0;
    }

    private static int ReplayCommand(Options options, TextWriter output)
    {
        options.Allow("answers", "model", "gold", "truth", "out", "target", "max-answers", "audit-share", "gold-rate", "new-worker-gold-rate", "min-accuracy", "min-gold-answers", "min-answers");
        var answers = Csv.Read(options.Required("answers"), "worker", "task", "label", "order")
            .Select(r => new ReplayAnswer(r.Values[0], r.Values[1], r.Values[2], ParseLong(r.Values[3], options.Required("answers"), r.Line))).ToList();
        var modelFile = options.Required("model");
        var model = Csv.Read(modelFile, "task", "label", "confidence")
            .Select(r => new ReplayPrediction(r.Values[0], r.Values[1], ParseProbability(r.Values[2], modelFile, r.Line))).ToList();
        var gold = options.Get("gold") is { } goldFile ? ReadLabels(goldFile) : new Dictionary<string, string>(StringComparer.Ordinal);
        var truth = options.Get("truth") is { } truthFile ? ReadLabels(truthFile) : null;

        var d = LabelPolicy.Default;
        var policy = new LabelPolicy(
            options.Double("target", d.TargetConfidence), options.Int("max-answers", d.MaxAnswers), options.Double("audit-share", d.AuditShare),
            options.Double("gold-rate", d.GoldRate), options.Double("new-worker-gold-rate", d.NewWorkerGoldRate),
            options.Double("min-accuracy", d.MinAccuracy), options.Int("min-gold-answers", d.MinGoldAnswers), options.Int("min-answers", d.MinAnswers));
        if (policy.Problem() is { } problem)
        {
            throw new CliException(problem);
        }

        var outcome = Replay.Run(answers, model, gold, truth, policy);
        if (options.Get("out") is { } outFile)
        {
            WriteOut(outFile, output, ["task", "label", "confidence", "source", "answers", "undecided"],
                outcome.Results.Select(r => new[] { r.Task, r.Label, F(r.Confidence), r.Source, r.Answers.ToString(CultureInfo.InvariantCulture), r.Undecided ? "1" : "0" }));
        }

        output.WriteLine($"policy: target {F(policy.TargetConfidence)}, at most {policy.MaxAnswers} answers, audit {F(policy.AuditShare)}, gold {F(policy.GoldRate)} ({F(policy.NewWorkerGoldRate)} for new workers), block below {F(policy.MinAccuracy)} after {policy.MinGoldAnswers} gold");
        output.WriteLine($"items {outcome.Items}: {outcome.ModelOnly} settled by the model alone, {outcome.Undecided} undecided (to reviewers)");
        output.WriteLine($"answers bought {outcome.Bought}: {outcome.GoldBought} on gold, {outcome.AuditBought} on audit items, {outcome.Discarded} discarded from {outcome.BlockedWorkers} blocked workers");
        var c = outcome.Calibration;
        output.WriteLine(c.IsFitted
            ? $"model calibration on {c.Cases} answered items: p = sigmoid({F(c.A)} * logit(confidence) + {F(c.B)})"
            : $"model calibration: only {c.Cases} answered items (needs {ModelCalibration.MinCases}); the model counts for at most {F(ModelCalibration.UncalibratedCap)}");
        output.WriteLine(outcome.ResultLine());
        return 0;
    }

    private static Dictionary<string, string> ReadLabels(string path)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (line, values) in Csv.Read(path, "task", "label"))
        {
            if (!labels.TryAdd(values[0], values[1]) && labels[values[0]] != values[1])
            {
                throw new CliException($"{path}:{line}: task {values[0]} has two labels ({labels[values[0]]}, {values[1]}).");
            }
        }

        return labels;
    }

    private static long ParseLong(string value, string path, int line) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"{path}:{line}: order '{value}' is not a whole number.");

    private static double ParseProbability(string value, string path, int line) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
            ? v : throw new CliException($"{path}:{line}: confidence '{value}' is not a number from 0 to 1.");

    private static string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static void WriteOut(string? path, TextWriter output, string[] header, IEnumerable<string?[]> rows)
    {
        if (path is null)
        {
            Csv.Write(output, rows.Prepend(header));
            return;
        }

        // Written beside the target and moved into place: an interrupted run never leaves half a file.
        var temporary = path + ".partial";
        using (var writer = new StreamWriter(temporary))
        {
            Csv.Write(writer, rows.Prepend(header));
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>--name value pairs, each name at most once, only the names a command knows.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length < 3)
            {
                throw new CliException($"expected an option such as --answers FILE, not '{args[i]}'.");
            }

            if (i + 1 >= args.Length)
            {
                throw new CliException($"{args[i]} needs a value.");
            }

            if (!options._values.TryAdd(args[i][2..], args[i + 1]))
            {
                throw new CliException($"{args[i]} is given twice.");
            }
        }

        return options;
    }

    public void Allow(params string[] names)
    {
        var unknown = _values.Keys.Where(k => !names.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliException($"unknown option --{unknown[0]}; this command takes {string.Join(", ", names.Select(n => "--" + n))}.");
        }
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) => Get(name) ?? throw new CliException($"--{name} is required.");

    public double Double(string name, double fallback) => Get(name) is not { } v ? fallback
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d
        : throw new CliException($"--{name} takes a number, not '{v}'.");

    public int Int(string name, int fallback) => Get(name) is not { } v ? fallback
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
        : throw new CliException($"--{name} takes a whole number, not '{v}'.");
}
