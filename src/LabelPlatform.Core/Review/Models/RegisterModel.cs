using System.Security.Cryptography;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Inputs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Models;

/// <summary>
/// A researcher uploads a model (or edits the descriptor of the one in use): it is checked against
/// the job in a process of its own, under CPU and memory limits (<see cref="ModelSandbox"/>), kept in
/// the item store, and becomes the job's next model version. The upload stays a file on disk from
/// the browser to the store, never held in memory. Nothing is kept when a check fails.
/// </summary>
public sealed class RegisterModel(IDbContextFactory<AppDbContext> dbFactory, IItemStore store, ModelSandbox sandbox, InputCopyRequests inputCopies, TimeProvider clock)
{
    /// <summary>A model in memory (the demo seed, tests): written to a temporary file and registered from there.</summary>
    public async Task<Result<ReviewModel>> HandleAsync(
        Guid jobId, Guid organisationId, string userId, string fileName, byte[] file, ModelDescriptor descriptor, CancellationToken ct = default)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lp-model-{Guid.NewGuid():N}.onnx");
        await File.WriteAllBytesAsync(path, file, ct);
        try
        {
            return await HandleFileAsync(jobId, organisationId, userId, fileName, path, descriptor, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A model uploaded to a local file at <paramref name="path"/> (the caller deletes it afterwards).</summary>
    public async Task<Result<ReviewModel>> HandleFileAsync(
        Guid jobId, Guid organisationId, string userId, string fileName, string path, ModelDescriptor descriptor, CancellationToken ct = default)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            return new Error("invalid_model", "The model file is empty.");
        }

        if (length > ReviewModel.MaxFileBytes)
        {
            return new Error("invalid_model", $"The model file is {length:N0} bytes; the limit is {ReviewModel.MaxFileBytes:N0}.");
        }

        List<string> labels;
        TaskKind kind;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
            if (job is null)
            {
                return Error.NotFound("The job");
            }

            (labels, kind) = (job.Labels, job.Kind);
        }

        // The descriptor's own mistakes need no model loaded; the rest runs in the check process.
        if ((ModelValidator.DescriptorProblem(descriptor, kind, labels) ?? await sandbox.CheckAsync(path, descriptor, kind, labels, ct)) is { } invalid)
        {
            return invalid;
        }

        string sha256;
        await using (var file = File.OpenRead(path))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        }

        var model = new ReviewModel
        {
            Id = Guid.CreateVersion7(),
            JobId = jobId,
            FileName = Path.GetFileName(fileName),
            Sha256 = sha256,
            ByteSize = length,
            Descriptor = descriptor,
            CreatedByUserId = userId,
            CreatedAt = clock.GetUtcNow(),
        };
        model.StorageKey = $"models/{jobId:N}/{model.Id:N}.onnx";
        await store.PutFileAsync(model.StorageKey, path, ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);

            // The job's row lock numbers two uploads one after the other.
            await db.Jobs.ForUpdate(jobId).Select(j => j.Id).ToListAsync(ct);
            model.Version = (await db.ReviewModels.Where(m => m.JobId == jobId).MaxAsync(m => (int?)m.Version, ct) ?? 0) + 1;
            db.ReviewModels.Add(model);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            store.Delete(model.StorageKey);
            throw;
        }

        // Reviews read model-sized copies of the images; make them now rather than during the first reviews.
        await inputCopies.RequestAsync(jobId, ct);
        return model;
    }
}
