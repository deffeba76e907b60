using System.Text.Json;
using LabelPlatform.Jobs;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// JSON Lines: one object per item, in upload order: <c>item_id</c>, <c>file</c>, its size (images) or
/// <c>text</c>, <c>status</c>, <c>final</c> (labels or boxes), <c>confidence</c>, <c>source</c> (model, crowd,
/// reviewer, undecided), <c>final_at</c>, the pre-filter model's label; with answers, every answer with its
/// worker's pseudonym and the model's verdicts.
/// </summary>
internal static class JsonLinesWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static async Task WriteAsync(ExportReader reader, ExportOptions options, Stream output, Action<long> written, CancellationToken ct)
    {
        var boxes = reader.Job.Kind.DrawsBoxes();
        using var buffer = new MemoryStream();
        await using var json = new Utf8JsonWriter(buffer);
        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                json.Reset(buffer);
                json.WriteStartObject();
                json.WriteString("item_id", item.Id);
                json.WriteNumber("ordinal", item.Ordinal);
                if (item.Text is not null)
                {
                    json.WriteString("text", item.Text);
                }
                else
                {
                    json.WriteString("file", item.SourceName);
                    json.WriteNumber("width", item.Width);
                    json.WriteNumber("height", item.Height);
                }

                json.WriteString("status", item.Status);
                ExportJson.WriteAnswer(json, "final", item.Final, boxes);
                if (item.Confidence is { } confidence)
                {
                    json.WriteNumber("confidence", Math.Round(confidence, 4));
                }
                else
                {
                    json.WriteNull("confidence");
                }

                if (item.Source is null)
                {
                    json.WriteNull("source");
                }
                else
                {
                    json.WriteString("source", item.Source);
                }

                if (item.FinalAt is { } at)
                {
                    json.WriteString("final_at", at);
                }
                else
                {
                    json.WriteNull("final_at");
                }

                json.WriteNumber("answer_count", item.AnswerCount);
                if (item.MachineLabel is not null)
                {
                    json.WriteStartObject("machine");
                    json.WriteString("label", item.MachineLabel);
                    json.WriteNumber("confidence", Math.Round(item.MachineConfidence ?? 0, 4));
                    if (item.ModelVersion is not null)
                    {
                        json.WriteString("model", item.ModelVersion);
                    }

                    json.WriteEndObject();
                }

                if (options.IncludeAnswers)
                {
                    json.WriteStartArray("answers");
                    foreach (var answer in item.Answers)
                    {
                        json.WriteStartObject();
                        json.WriteString("worker", answer.Worker);
                        json.WriteString("submitted_at", answer.SubmittedAt);
                        ExportJson.WriteAnswer(json, "answer", answer.Answer, boxes);
                        if (answer.ReviewState is null)
                        {
                            json.WriteNull("review_state");
                        }
                        else
                        {
                            json.WriteString("review_state", answer.ReviewState);
                        }

                        ExportJson.WriteVerdicts(json, answer.Verdicts);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
                await json.FlushAsync(ct);
                buffer.Write(NewLine);
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(output, ct);
            buffer.SetLength(0);
            written(page.Count);
        }
    }
}
