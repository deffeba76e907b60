using System.Globalization;
using LabelPlatform.StripeEmulator;

var options = new EmulatorOptions { Port = 12111 };
var documented = false;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = args[i + 1];
    switch (args[i])
    {
        case "--port": options.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--latency-ms": options.Latency = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)); break;
        case "--requests-per-second": options.RequestsPerSecond = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--endpoint-requests-per-second": options.EndpointRequestsPerSecond = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--documented-limits": documented = value == "true"; break;
        case "--connect-webhook-url": options.ConnectWebhookUrl = new Uri(value); break;
        case "--connect-webhook-secret": options.ConnectWebhookSecret = value; break;
        case "--webhook-url": options.WebhookUrl = new Uri(value); break;
        case "--webhook-secret": options.WebhookSecret = value; break;
        case "--api-key": options.ApiKey = value; break;
        default: Console.Error.WriteLine($"Unknown option {args[i]}"); return 2;
    }
}

if (documented)
{
    options.DocumentedLimits();
}

await using var emulator = await StripeEmulator.StartAsync(options);
Console.WriteLine($"Stripe emulator listening on {emulator.BaseUrl} (API key {options.ApiKey}, webhook secret {options.WebhookSecret})");
try
{
    await Task.Delay(Timeout.Infinite, emulator.Stopping);
}
catch (OperationCanceledException)
{
}
return 0;
