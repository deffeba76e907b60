using System.Text.Json;
using LabelPlatform.Exports.ItemResults;
using LabelPlatform.Labelling;

namespace LabelPlatform.Exports.Formats;

/// <summary>Pieces the JSON formats share.</summary>
internal static class ExportJson
{
    public static void WriteVerdicts(Utf8JsonWriter json, IReadOnlyList<ItemVerdict> verdicts)
    {
        json.WriteStartArray("verdicts");
        foreach (var verdict in verdicts)
        {
            json.WriteStartObject();
            json.WriteNumber("model_version", verdict.ModelVersion);
            json.WriteString("outcome", verdict.Outcome);
            json.WriteString("reason", verdict.Reason);
            if (verdict.ModelLabel is null)
            {
                json.WriteNull("model_label");
            }
            else
            {
                json.WriteString("model_label", verdict.ModelLabel);
            }

            json.WriteNumber("confidence", Math.Round(verdict.Confidence, 4));
            json.WriteString("at", verdict.At);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>An answer as labels (classification kinds) or boxes in image pixels (box jobs).</summary>
    public static void WriteAnswer(Utf8JsonWriter json, string name, Answer? answer, bool boxes)
    {
        if (answer is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        if (boxes)
        {
            json.WriteStartArray("boxes");
            foreach (var box in answer.Boxes)
            {
                json.WriteStartObject();
                json.WriteString("label", box.Label);
                json.WriteNumber("x", Math.Round(box.X, 2));
                json.WriteNumber("y", Math.Round(box.Y, 2));
                json.WriteNumber("w", Math.Round(box.W, 2));
                json.WriteNumber("h", Math.Round(box.H, 2));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteStartArray("labels");
            foreach (var label in answer.Labels)
            {
                json.WriteStringValue(label);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }
}
