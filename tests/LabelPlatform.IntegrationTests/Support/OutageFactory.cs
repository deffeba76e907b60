using LabelPlatform.Testing;
using Microsoft.AspNetCore.Hosting;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>
/// The app for tests that break the database on purpose. The queue logs a warning with a stack trace
/// for every batch an outage fails; here those are expected by the hundred, and the tests count and
/// print the faults themselves, so only errors reach the test log.
/// </summary>
public sealed class OutageFactory : LabelPlatformFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:LabelPlatform", "Error");
    }
}
