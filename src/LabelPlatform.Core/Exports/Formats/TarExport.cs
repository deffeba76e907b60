using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// The many-file formats (YOLO, VOC) as a gzipped tar, the way VOC itself is distributed: a tar has no
/// central directory, so nothing about the files written so far is kept, and a million images take the
/// memory of one page. (A zip must hold every entry's record until its directory is written at the end:
/// hundreds of megabytes for a million files.) The tar and gzip libraries write synchronously, which a web
/// response refuses; they write into a buffer that goes to the output asynchronously after each page.
/// </summary>
internal sealed class TarExport : IAsyncDisposable
{
    private readonly BufferedOutput _pending;
    private readonly GZipStream _gzip;
    private readonly TarWriter _tar;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly List<Sidecar> _sidecars = [];

    public TarExport(Stream output)
    {
        _pending = new BufferedOutput(output);
        _gzip = new GZipStream(_pending, CompressionLevel.Fastest, leaveOpen: true);
        _tar = new TarWriter(_gzip, TarEntryFormat.Gnu, leaveOpen: true);
    }

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public void Add(string name, string content) => Add(name, Encoding.UTF8.GetBytes(content));

    public void Add(string name, byte[] content) => Add(name, content, content.Length);

    public void Add(string name, byte[] content, int length)
    {
        using var data = new MemoryStream(content, 0, length, writable: false);
        _tar.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = data, ModificationTime = _now, Mode = Readable });
    }

    /// <summary>Sends what has been written so far.</summary>
    public Task FlushAsync(CancellationToken ct) => _pending.SendAsync(ct);

    /// <summary>
    /// A file of one line per item, written alongside the per-image files and added at the end. A tar entry
    /// states its size before its bytes, so the lines wait in a temporary file, not in memory.
    /// </summary>
    public Sidecar AddLater(string name, string header)
    {
        var sidecar = new Sidecar(name);
        if (header.Length > 0)
        {
            sidecar.Line(header);
        }

        _sidecars.Add(sidecar);
        return sidecar;
    }

    /// <summary>
    /// The per-image facts the text formats have no place for: item id, status, where the final answer
    /// came from, and its confidence, one CSV row per image.
    /// </summary>
    public Action<ExportItem> AddMetadata()
    {
        var metadata = AddLater("metadata.csv", Common.CsvField.Line(["file", "item_id", "status", "source", "confidence", "final_at"]));
        return item => metadata.Line(Common.CsvField.Line(
        [
            item.SourceName, item.Id.ToString(), item.Status, item.Source ?? "",
            item.Confidence?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            item.FinalAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        ]));
    }

    public sealed class Sidecar(string name) : IAsyncDisposable
    {
        private readonly string _path = Path.GetTempFileName();
        private StreamWriter? _writer;

        public string Name { get; } = name;

        public void Line(string text)
        {
            _writer ??= new StreamWriter(_path, false, new UTF8Encoding(false), 64 * 1024);
            _writer.Write(text);
            _writer.Write('\n');
        }

        public async Task<FileStream> OpenAsync()
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
                _writer = null;
            }

            return new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }

        public async ValueTask DisposeAsync()
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
            }

            File.Delete(_path);
        }
    }

    /// <summary>The image's path in the job without its extension: <c>a/b/cat.jpg</c> gives <c>a/b/cat</c>.</summary>
    public static string Stem(string sourceName)
    {
        var path = sourceName.Replace('\\', '/').TrimStart('/');
        var dot = path.LastIndexOf('.');
        return dot > path.LastIndexOf('/') + 1 ? path[..dot] : path;
    }

    /// <summary>Adds the files kept for the end, ends the tar and the gzip stream, and sends the rest.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var sidecar in _sidecars)
        {
            await using (sidecar)
            {
                await using var data = await sidecar.OpenAsync();
                var entry = new GnuTarEntry(TarEntryType.RegularFile, sidecar.Name) { DataStream = data, ModificationTime = _now, Mode = Readable };
                // Written asynchronously all the way down: the file's bytes go out as they are compressed.
                await _tar.WriteEntryAsync(entry);
            }
        }

        _tar.Dispose();
        _gzip.Dispose();
        await FlushAsync(CancellationToken.None);
    }

    /// <summary>
    /// Collects synchronous writes (the tar and gzip libraries' own) for <see cref="SendAsync"/>, and passes
    /// asynchronous ones straight on after them.
    /// </summary>
    private sealed class BufferedOutput(Stream output) : Stream
    {
        private readonly MemoryStream _buffer = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _buffer.Write(buffer);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await SendAsync(cancellationToken);
            await output.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public async Task SendAsync(CancellationToken ct)
        {
            if (_buffer.Length > 0)
            {
                await output.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), ct);
                _buffer.SetLength(0);
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => SendAsync(cancellationToken);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
