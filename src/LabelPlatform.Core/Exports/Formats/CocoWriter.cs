using System.Text;
using System.Text.Json;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// COCO object detection: <c>images</c> (id, file name, width, height), <c>categories</c> (the job's labels,
/// ids from 1), <c>annotations</c> (one per final box: <c>bbox</c> as [x, y, width, height] in pixels, its area,
/// <c>iscrowd</c> 0 and a <c>score</c>, the final answer's confidence). Our own fields start with <c>lp_</c>
/// (item id, status, source; with answers, <c>lp_answers</c>), which COCO readers ignore.
/// </summary>
/// <remarks>
/// One pass over the items: images go to the output as they are read, annotations (and answers) to
/// temporary files that follow them, so memory does not grow with the job and the database is read once.
/// </remarks>
internal static class CocoWriter
{
    public static async Task WriteAsync(ExportReader reader, ExportOptions options, Stream output, Action<long> written, CancellationToken ct)
    {
        var categories = reader.Job.Labels.Select((label, i) => (label, id: i + 1)).ToDictionary(c => c.label, c => c.id);
        await using var head = new Utf8JsonWriter(output);
        head.WriteStartObject();
        head.WriteStartObject("info");
        head.WriteString("description", reader.Job.Name);
        head.WriteString("contributor", "LabelPlatform");
        head.WriteString("date_created", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        head.WriteString("version", "1.0");
        head.WriteEndObject();
        head.WriteStartArray("licenses");
        head.WriteEndArray();
        head.WriteStartArray("categories");
        foreach (var (label, id) in categories)
        {
            head.WriteStartObject();
            head.WriteNumber("id", id);
            head.WriteString("name", label);
            head.WriteString("supercategory", "");
            head.WriteEndObject();
        }

        head.WriteEndArray();
        await head.FlushAsync(ct);

        await using var annotations = new JsonArrayFile();
        await using var answers = options.IncludeAnswers ? new JsonArrayFile() : null;
        await Raw(output, ",\"images\":[", ct);
        var images = new JsonElements(output);
        long annotationId = 0;
        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                WriteImage(images.Next(), item);
                foreach (var box in item.Final?.Boxes ?? [])
                {
                    if (categories.TryGetValue(box.Label, out var category))
                    {
                        WriteAnnotation(annotations.Next(), ++annotationId, item, category, box);
                    }
                }

                foreach (var answer in item.Answers)
                {
                    WriteAnswer(answers!.Next(), item, answer, categories);
                }
            }

            await images.FlushAsync(ct);
            await annotations.FlushAsync(ct);
            if (answers is not null)
            {
                await answers.FlushAsync(ct);
            }

            written(page.Count);
        }

        await Raw(output, "],\"annotations\":[", ct);
        await annotations.CopyToAsync(output, ct);
        await Raw(output, "]", ct);
        if (answers is not null)
        {
            await Raw(output, ",\"lp_answers\":[", ct);
            await answers.CopyToAsync(output, ct);
            await Raw(output, "]", ct);
        }

        await Raw(output, "}", ct);
    }

    private static void WriteImage(Utf8JsonWriter json, ExportItem item)
    {
        json.WriteStartObject();
        json.WriteNumber("id", ImageId(item));
        json.WriteString("file_name", item.SourceName);
        json.WriteNumber("width", item.Width);
        json.WriteNumber("height", item.Height);
        json.WriteString("lp_item_id", item.Id);
        json.WriteString("lp_status", item.Status);
        WriteNullable(json, "lp_source", item.Source);
        WriteNullable(json, "lp_confidence", item.Confidence);
        json.WriteEndObject();
    }

    private static void WriteAnnotation(Utf8JsonWriter json, long id, ExportItem item, int category, Labelling.BoundingBox box)
    {
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteNumber("image_id", ImageId(item));
        json.WriteNumber("category_id", category);
        WriteBox(json, box);
        json.WriteNumber("iscrowd", 0);
        json.WriteStartArray("segmentation");
        json.WriteEndArray();
        WriteNullable(json, "score", item.Confidence);
        WriteNullable(json, "lp_source", item.Source);
        json.WriteEndObject();
    }

    private static void WriteAnswer(Utf8JsonWriter json, ExportItem item, ExportAnswer answer, Dictionary<string, int> categories)
    {
        json.WriteStartObject();
        json.WriteNumber("image_id", ImageId(item));
        json.WriteString("worker", answer.Worker);
        json.WriteString("submitted_at", answer.SubmittedAt);
        WriteNullable(json, "review_state", answer.ReviewState);
        json.WriteStartArray("boxes");
        foreach (var box in answer.Answer.Boxes)
        {
            json.WriteStartObject();
            json.WriteNumber("category_id", categories.GetValueOrDefault(box.Label));
            WriteBox(json, box);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        ExportJson.WriteVerdicts(json, answer.Verdicts);
        json.WriteEndObject();
    }

    /// <summary>COCO ids are positive integers: the item's place in the job, from 1.</summary>
    private static long ImageId(ExportItem item) => item.Ordinal + 1L;

    private static void WriteBox(Utf8JsonWriter json, Labelling.BoundingBox box)
    {
        json.WriteStartArray("bbox");
        json.WriteNumberValue(Math.Round(box.X, 2));
        json.WriteNumberValue(Math.Round(box.Y, 2));
        json.WriteNumberValue(Math.Round(box.W, 2));
        json.WriteNumberValue(Math.Round(box.H, 2));
        json.WriteEndArray();
        json.WriteNumber("area", Math.Round(box.W * box.H, 2));
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, float? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 4));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static Task Raw(Stream output, string text, CancellationToken ct) => output.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();

    /// <summary>The elements of a JSON array, each written by a fresh writer state into a buffer with the commas between them.</summary>
    private sealed class JsonElements(Stream output)
    {
        private readonly MemoryStream _buffer = new();
        private Utf8JsonWriter? _json;
        private bool _any;

        public Utf8JsonWriter Next()
        {
            _json?.Flush();
            if (_any)
            {
                _buffer.WriteByte((byte)',');
            }

            _any = true;
            if (_json is null)
            {
                _json = new Utf8JsonWriter(_buffer);
            }
            else
            {
                _json.Reset(_buffer);
            }

            return _json;
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            _json?.Flush();
            await output.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), ct);
            _buffer.SetLength(0);
        }
    }

    /// <summary>Array elements gathered in a temporary file, to follow the images.</summary>
    private sealed class JsonArrayFile : IAsyncDisposable
    {
        private readonly string _path = Path.GetTempFileName();
        private readonly FileStream _file;
        private readonly JsonElements _elements;

        public JsonArrayFile()
        {
            _file = new FileStream(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            _elements = new JsonElements(_file);
        }

        public Utf8JsonWriter Next() => _elements.Next();

        public Task FlushAsync(CancellationToken ct) => _elements.FlushAsync(ct);

        public async Task CopyToAsync(Stream output, CancellationToken ct)
        {
            await _elements.FlushAsync(ct);
            _file.Position = 0;
            await _file.CopyToAsync(output, 1 << 16, ct);
        }

        public async ValueTask DisposeAsync() => await _file.DisposeAsync();
    }
}
