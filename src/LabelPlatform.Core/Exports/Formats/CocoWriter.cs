using System.Text.Json;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// COCO object detection: <c>images</c> (id, file name, width, height), <c>categories</c> (the job's labels,
/// ids from 1), <c>annotations</c> (one per final box: <c>bbox</c> as [x, y, width, height] in pixels, its area,
/// <c>iscrowd</c> 0 and a <c>score</c>, the final answer's confidence). Our own fields start with <c>lp_</c>
/// (item id, status, source; with answers, <c>lp_answers</c>), which COCO readers ignore. Written in two
/// passes over one snapshot (images, then annotations), so memory does not grow with the job.
/// </summary>
internal static class CocoWriter
{
    public static async Task WriteAsync(ExportReader reader, ExportOptions options, Stream output, Action<long> written, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = false });
        var categories = reader.Job.Labels.Select((label, i) => (label, id: i + 1)).ToDictionary(c => c.label, c => c.id);
        json.WriteStartObject();
        json.WriteStartObject("info");
        json.WriteString("description", reader.Job.Name);
        json.WriteString("contributor", "LabelPlatform");
        json.WriteString("date_created", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("version", "1.0");
        json.WriteEndObject();
        json.WriteStartArray("licenses");
        json.WriteEndArray();
        json.WriteStartArray("categories");
        foreach (var (label, id) in categories)
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("name", label);
            json.WriteString("supercategory", "");
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("images");
        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
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

            await FlushAsync(json, ct);
        }

        json.WriteEndArray();

        json.WriteStartArray("annotations");
        long annotationId = 0;
        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                foreach (var box in item.Final?.Boxes ?? [])
                {
                    if (!categories.TryGetValue(box.Label, out var category))
                    {
                        continue;
                    }

                    json.WriteStartObject();
                    json.WriteNumber("id", ++annotationId);
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
            }

            await FlushAsync(json, ct);
            written(page.Count);
        }

        json.WriteEndArray();

        if (options.IncludeAnswers)
        {
            json.WriteStartArray("lp_answers");
            await foreach (var page in reader.PagesAsync(ct))
            {
                foreach (var item in page)
                {
                    foreach (var answer in item.Answers)
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
                }

                await FlushAsync(json, ct);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        await json.FlushAsync(ct);
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

    private static async Task FlushAsync(Utf8JsonWriter json, CancellationToken ct)
    {
        if (json.BytesPending > 32 * 1024)
        {
            await json.FlushAsync(ct);
        }
    }
}
