using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Jobs.ImportItems;

/// <summary>
/// Imports texts into a text job from a CSV or JSONL file, all or nothing: every row is checked,
/// and items are only created when every row passed. The report names each bad row and why.
/// </summary>
public sealed class TextImporter(IDbContextFactory<AppDbContext> dbFactory, IOptions<UploadLimits> limits, TimeProvider clock)
{
    private readonly UploadLimits _limits = limits.Value;

    public async Task<Result<ImportReport>> ImportAsync(Guid jobId, Guid organisationId, string fileName, Stream content, CancellationToken ct = default)
    {
        if (await JobItems.CheckTargetAsync(dbFactory, jobId, organisationId, texts: true, ct) is { } refused)
        {
            return refused;
        }

        string text;
        try
        {
            text = await ReadBoundedAsync(content, ct);
        }
        catch (InvalidDataException e)
        {
            return Failed(e.Message);
        }

        IReadOnlyList<TextRecord> records;
        try
        {
            records = TextRecords.Parse(fileName, text);
        }
        catch (FormatException e)
        {
            return Failed(e.Message);
        }

        if (records.Count > _limits.MaxFiles)
        {
            return Failed($"the file has {records.Count:N0} texts; one upload takes at most {_limits.MaxFiles:N0}");
        }

        var files = records.Select(r => new FileReport(
            r.Name is null ? $"line {r.Line}" : $"line {r.Line} ({r.Name})",
            r.Error is null ? FileOutcome.Accepted : FileOutcome.Rejected,
            r.Error,
            r.Text is null ? 0 : Encoding.UTF8.GetByteCount(r.Text))).ToList();
        var report = new ImportReport(null, files, 0, "row", "the file holds no texts");
        if (files.Count == 0 || files.Any(f => f.Outcome == FileOutcome.Rejected))
        {
            return report;
        }

        var now = clock.GetUtcNow();
        var items = records.Select(r => new Item
        {
            Id = Guid.CreateVersion7(),
            JobId = jobId,
            SourceName = r.Name ?? $"line {r.Line}",
            StorageKey = "",
            ContentType = "text/plain",
            ByteSize = Encoding.UTF8.GetByteCount(r.Text!),
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(r.Text!))),
            Text = r.Text,
            CreatedAt = now,
        }).ToList();
        await JobItems.AppendAsync(dbFactory, jobId, items, ct);
        return report with { ItemsAdded = items.Count };
    }

    private static ImportReport Failed(string why) => new(why, [], 0, "row", "the file holds no texts");

    private async Task<string> ReadBoundedAsync(Stream content, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > _limits.MaxTextFileBytes)
            {
                throw new InvalidDataException($"the file is larger than {_limits.MaxTextFileBytes:N0} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException("the file is not UTF-8 text");
        }
    }
}
