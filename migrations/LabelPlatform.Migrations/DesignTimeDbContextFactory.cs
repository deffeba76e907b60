using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LabelPlatform.Migrations;

/// <summary>Lets `dotnet ef` build the model without starting the web app; no database is contacted.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, Environment.GetEnvironmentVariable("ConnectionStrings__Default") ?? "Host=localhost;Database=labelplatform_design");
        return new AppDbContext(options.Options);
    }
}
