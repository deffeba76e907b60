using System.Security.Cryptography;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Inputs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Models;

/// <summary>
/// A researcher uploads a model (or edits the descriptor of the one in use): it is validated
/// against the job, kept in the item store, and becomes the job's next model version. Nothing is
/// kept when validation fails.
/// </summary>
public sealed class RegisterModel(IDbContextFactory<AppDbContext> dbFactory, IItemStore store, ModelValidator validator, InputCopyRequests inputCopies, TimeProvider clock)
{
    public async Task<Result<ReviewModel>> HandleAsync(
        Guid jobId, Guid organisationId, string userId, string fileName, byte[] file, ModelDescriptor descriptor, CancellationToken ct = default)
    {
        if (file.Length == 0)
        {
            return new Error("invalid_model", "The model file is empty.");
        }

        if (file.LongLength > ReviewModel.MaxFileBytes)
        {
            return new Error("invalid_model", $"The model file is {file.LongLength:N0} bytes; the limit is {ReviewModel.MaxFileBytes:N0}.");
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

        if (validator.Validate(file, descriptor, kind, labels) is { } invalid)
        {
            return invalid;
        }

        var model = new ReviewModel
        {
            Id = Guid.CreateVersion7(),
            JobId = jobId,
            FileName = Path.GetFileName(fileName),
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(file)),
            ByteSize = file.LongLength,
            Descriptor = descriptor,
            CreatedByUserId = userId,
            CreatedAt = clock.GetUtcNow(),
        };
        model.StorageKey = $"models/{jobId:N}/{model.Id:N}.onnx";
        await store.PutAsync(model.StorageKey, file, ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);

            // The job's row lock numbers two uploads one after the other.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM jobs WHERE id = {jobId} FOR UPDATE", ct);
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
