using LabelPlatform.Bench;
using LabelPlatform.Bench.Aggregate;
using LabelPlatform.Bench.Peers;
using LabelPlatform.Bench.Queue;
using LabelPlatform.Bench.Review;
using LabelPlatform.Bench.Settle;
using LabelPlatform.Bench.Workspace;

// Driven by bench/run.sh; each command prints a human summary and one "MEASURE ..." line for the script.
var command = args.FirstOrDefault() ?? "";
var options = CommandLine.Parse(args.Skip(1));

// Every command but workspace-run (which talks to the web app) and aggregate (pure maths) needs the database.
string Connection() => options.Get("connection");

switch (command)
{
    case "queue-prepare":
        await new QueueSeeder(Connection()).RunAsync(new SeedPlan(
            History: options.GetInt("history", 1_000_000),
            OpenItems: options.GetInt("open-items", 500_000),
            RunningJobs: options.GetInt("jobs", 4),
            Workers: options.GetInt("workers", 1000)));
        break;
    case "queue-run":
        await QueueLoad.RunAsync(Connection(), new LoadPlan(
            Workers: options.GetInt("workers", 200),
            Warmup: TimeSpan.FromSeconds(options.GetDouble("warmup", 3)),
            Measure: TimeSpan.FromSeconds(options.GetDouble("seconds", 15))));
        break;
    case "queue-check":
        await QueueChecks.RunAsync(Connection());
        break;
    case "queue-explain":
        await ClaimPlan.RunAsync(Connection(), options.Get("label"), options.Get("out"));
        break;
    case "hangfire":
        HangfireDrain.Run(Connection(),
            jobs: options.GetInt("jobs", 10_000),
            workers: options.GetInt("workers", 50),
            window: TimeSpan.FromSeconds(options.GetDouble("seconds", 15)));
        break;
    case "workspace-prepare":
        await new WorkspaceSeeder(Connection()).RunAsync(new WorkspaceSeedPlan(
            Items: options.GetInt("items", 300),
            Boxes: options.GetInt("boxes", 500),
            ImageWidth: options.GetInt("image-width", 4000),
            ImageHeight: options.GetInt("image-height", 3000),
            DigitsPath: options.Get("digits"),
            StorageRoot: options.Get("storage")));
        break;
    case "workspace-run":
        await WorkspaceBrowser.RunAsync(new WorkspaceRunPlan(
            BaseUrl: options.Get("url"),
            Email: WorkspaceSeeder.WorkerEmail,
            Password: WorkspaceSeeder.Password,
            ClassifyJob: Guid.Parse(options.Get("classify-job")),
            BoxJob: Guid.Parse(options.Get("box-job")),
            Warmup: options.GetInt("warmup", 10),
            Items: options.GetInt("items", 200),
            ThinkMs: options.GetInt("think-ms", 100),
            DragSeconds: options.GetDouble("drag-seconds", 3),
            ViewportWidth: options.GetInt("viewport-width", 1920),
            ViewportHeight: options.GetInt("viewport-height", 1080),
            Screenshots: options.GetOptional("screenshots")));
        break;
    case "review-prepare":
        await new ReviewSeeder(Connection()).RunAsync(new ReviewSeedPlan(
            Items: options.GetInt("items", 256),
            AnswersPerItem: options.GetInt("answers-per-item", 8),
            ModelPath: options.Get("model"),
            Photos: options.Get("photos").Split(',', StringSplitOptions.RemoveEmptyEntries),
            StorageRoot: options.Get("storage"),
            Threads: options.GetInt("threads", 2)));
        break;
    case "review-run":
        await ReviewThroughput.RunAsync(Connection(), new ReviewRunPlan(
            JobId: Guid.Parse(options.Get("job")),
            StorageRoot: options.Get("storage"),
            Batches: options.Get("batches").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList(),
            Threads: options.GetInt("threads", 2),
            Cold: options.GetInt("cold", 1) != 0,
            Rounds: options.GetInt("rounds", 16)));
        break;
    case "settle-run":
        await SettleBench.RunAsync(Connection(), new SettlePlan(
            Workers: options.GetInt("workers", 10_000),
            Jobs: options.GetInt("jobs", 8),
            Reviewers: options.GetInt("reviewers", 8),
            LatencyMs: options.GetInt("latency-ms", 20),
            Mode: options.Get("mode"),
            PendingShare: options.GetDouble("pending-share", 0),
            Parallelism: options.GetInt("parallelism", 16),
            StorageRoot: options.Get("storage")));
        break;
    case "export-run":
        await LabelPlatform.Bench.Export.ExportBench.RunAsync(Connection(), new LabelPlatform.Bench.Export.ExportPlan(
            Items: options.GetInt("items", 1_000_000),
            AnswersPerItem: options.GetInt("answers-per-item", 3),
            StorageRoot: options.Get("storage"),
            OutputDirectory: options.Get("out")));
        break;
    case "aggregate":
        AggregateBench.Run(new AggregatePlan(
            Items: options.GetInt("items", 100_000),
            AnswersPerItem: options.GetInt("answers-per-item", 10),
            Workers: options.GetInt("workers", 300),
            Labels: options.GetInt("labels", 5),
            CostItems: options.GetInt("cost-items", 20_000),
            Seed: options.GetInt("seed", 42),
            ReplayDirectory: options.GetOptional("replay-dir") ?? Path.Combine(Path.GetTempPath(), "aggregate-replay")));
        break;
    case "digits-example":
        LabelPlatform.Bench.Aggregate.DigitsExample.Write(options.GetOptional("seed-data") ?? "src/LabelPlatform.Web/SeedData", options.GetOptional("out") ?? "docs/examples/digits");
        break;
    default:
        Console.Error.WriteLine("usage: LabelPlatform.Bench queue-prepare|queue-run|queue-check|queue-explain|hangfire|workspace-prepare|review-prepare|review-run|settle-run|export-run --connection CS [--name value ...]");
        Console.Error.WriteLine("       LabelPlatform.Bench aggregate [--items N --answers-per-item N --workers N --labels K --cost-items N --seed N --replay-dir DIR]");
        Console.Error.WriteLine("       LabelPlatform.Bench workspace-run --url URL --classify-job ID --box-job ID [--name value ...]");
        return 2;
}

return 0;
