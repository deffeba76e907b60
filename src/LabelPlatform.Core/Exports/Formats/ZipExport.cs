using System.IO.Compression;
using System.Text;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// The zip formats (YOLO, VOC): one small text entry per image plus a few lists. The zip library writes
/// synchronously (an entry's compressor flushes on dispose), which a web response refuses; so the zip
/// writes into memory and each page's bytes go to the output asynchronously: memory holds one page of
/// entries, never the zip.
/// </summary>
internal sealed class ZipExport : IAsyncDisposable
{
    private readonly MemoryStream _pending = new();
    private readonly ZipArchive _zip;
    private readonly Stream _output;

    public ZipExport(Stream output)
    {
        _output = output;
        _zip = new ZipArchive(new PendingBytes(_pending), ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
    }

    public void Add(string name, string content) => Add(name, Encoding.UTF8.GetBytes(content));

    public void Add(string name, ReadOnlySpan<byte> content)
    {
        using var stream = _zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        stream.Write(content);
    }

    /// <summary>Sends what the zip has written so far.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_pending.Length > 0)
        {
            await _output.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), ct);
            _pending.SetLength(0);
        }
    }

    /// <summary>An entry with one line per item, in another pass over the snapshot, sent a page at a time.</summary>
    public async Task AddLinesAsync(string name, string header, ExportReader reader, Func<ExportItem, string> line, CancellationToken ct)
    {
        using var entry = _zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var writer = new StreamWriter(entry, new UTF8Encoding(false), 64 * 1024);
        if (header.Length > 0)
        {
            writer.WriteLine(header);
        }

        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                writer.Write(line(item));
                writer.Write('\n');
            }

            writer.Flush();
            await FlushAsync(ct);
        }
    }

    /// <summary>
    /// The per-image facts the text formats have no place for: item id, status, where the final answer
    /// came from, and its confidence, one CSV row per image.
    /// </summary>
    public Task AddMetadataAsync(ExportReader reader, CancellationToken ct) =>
        AddLinesAsync("metadata.csv", Common.CsvField.Line(["file", "item_id", "status", "source", "confidence", "final_at"]), reader, item => Common.CsvField.Line(
        [
            item.SourceName, item.Id.ToString(), item.Status, item.Source ?? "",
            item.Confidence?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            item.FinalAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        ]), ct);

    /// <summary>The image's path in the job without its extension: <c>a/b/cat.jpg</c> gives <c>a/b/cat</c>.</summary>
    public static string Stem(string sourceName)
    {
        var path = sourceName.Replace('\\', '/').TrimStart('/');
        var dot = path.LastIndexOf('.');
        return dot > path.LastIndexOf('/') + 1 ? path[..dot] : path;
    }

    /// <summary>Writes the zip's directory and sends the rest.</summary>
    public async ValueTask DisposeAsync()
    {
        _zip.Dispose();
        await FlushAsync(CancellationToken.None);
        await _pending.DisposeAsync();
    }

    /// <summary>A write-only, forward-only view of the buffer: the zip cannot seek back, so it writes a data descriptor after each entry.</summary>
    private sealed class PendingBytes(MemoryStream buffer) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer1, int offset, int count) => Write(buffer1.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> bytes)
        {
            buffer.Write(bytes);
            _written += bytes.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer1, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
