using System.Globalization;

namespace LabelPlatform.Bench.Queue;

/// <summary>Deterministic ids, so the seeder and the load runs agree without passing lists around.</summary>
public static class BenchIds
{
    public const string Researcher = "00000000-0000-4000-8000-100000000000";

    public static readonly Guid Organisation = Guid.Parse("00000000-0000-4000-8000-200000000000");

    /// <summary>Worker ids look like the Identity ids the product creates (GUID strings).</summary>
    public static string Worker(int index) =>
        "00000000-0000-4000-8000-" + index.ToString("D12", CultureInfo.InvariantCulture);
}
