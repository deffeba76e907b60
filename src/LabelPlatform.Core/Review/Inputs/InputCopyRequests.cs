using Hangfire;
using LabelPlatform.Common;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LabelPlatform.Review.Inputs;

/// <summary>
/// Asks for a job's model-sized input copies to be made in the background, when it has a model:
/// after a new model version is saved, or items are imported into it. Where the process has no
/// background jobs (a tool, a benchmark) it does nothing: the review worker makes a missing copy
/// itself when it first needs it.
/// </summary>
public sealed class InputCopyRequests(NpgsqlDataSource dataSource, IServiceProvider services) : Jobs.ImportItems.IItemsImported
{
    /// <summary>New items need their model-sized copies, when the job has a model.</summary>
    public Task ItemsImportedAsync(Guid jobId, CancellationToken ct) => RequestAsync(jobId, ct);

    private static readonly string HasModelSql = Sql.Named("Review/Inputs/InputCopyRequests.sql", "HasModel");

    public async Task RequestAsync(Guid jobId, CancellationToken ct = default)
    {
        if (services.GetService<IBackgroundJobClient>() is not { } jobs)
        {
            return;
        }

        await using var command = Sql.Command(dataSource, HasModelSql, jobId);
        if (await command.ExecuteScalarAsync(ct) is true)
        {
            jobs.Enqueue<InputCopiesJob>(j => j.RunAsync(jobId, CancellationToken.None));
        }
    }
}
