using LabelPlatform.Bench;
using LabelPlatform.Bench.Peers;
using LabelPlatform.Bench.Queue;

// Driven by bench/run.sh; each command prints a human summary and one "MEASURE ..." line for the script.
var command = args.FirstOrDefault() ?? "";
var options = CommandLine.Parse(args.Skip(1));
var connection = options.Get("connection");

switch (command)
{
    case "queue-prepare":
        await new QueueSeeder(connection).RunAsync(new SeedPlan(
            History: options.GetInt("history", 1_000_000),
            OpenItems: options.GetInt("open-items", 500_000),
            RunningJobs: options.GetInt("jobs", 4),
            Workers: options.GetInt("workers", 1000)));
        break;
    case "queue-run":
        await QueueLoad.RunAsync(connection, new LoadPlan(
            Workers: options.GetInt("workers", 200),
            Warmup: TimeSpan.FromSeconds(options.GetDouble("warmup", 3)),
            Measure: TimeSpan.FromSeconds(options.GetDouble("seconds", 15))));
        break;
    case "queue-check":
        await QueueChecks.RunAsync(connection);
        break;
    case "queue-explain":
        await ClaimPlan.RunAsync(connection, options.Get("label"), options.Get("out"));
        break;
    case "hangfire":
        HangfireDrain.Run(connection,
            jobs: options.GetInt("jobs", 10_000),
            workers: options.GetInt("workers", 50),
            window: TimeSpan.FromSeconds(options.GetDouble("seconds", 15)));
        break;
    default:
        Console.Error.WriteLine("usage: LabelPlatform.Bench queue-prepare|queue-run|queue-check|queue-explain|hangfire --connection CS [--name value ...]");
        return 2;
}

return 0;
