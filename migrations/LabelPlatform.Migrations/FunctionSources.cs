using Microsoft.EntityFrameworkCore.Migrations;

namespace LabelPlatform.Migrations;

/// <summary>
/// Database functions keep their source in <c>Functions/&lt;name&gt;.sql</c>, one file per function (ADR 0017),
/// written with <c>CREATE OR REPLACE</c> so applying one again is safe. A migration applies the file; a change
/// to a function is a new migration that applies it again.
/// </summary>
public static class FunctionSources
{
    public static string Read(string name)
    {
        using var stream = typeof(FunctionSources).Assembly.GetManifestResourceStream($"Functions/{name}.sql")
            ?? throw new InvalidOperationException($"No function source Functions/{name}.sql in {typeof(FunctionSources).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static void ApplyFunction(this MigrationBuilder migrationBuilder, string name) => migrationBuilder.Sql(Read(name));
}
