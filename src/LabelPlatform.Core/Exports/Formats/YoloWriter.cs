using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// YOLO (Darknet, Ultralytics): <c>labels/&lt;image path without extension&gt;.txt</c> for every image, one
/// line per final box: the class index, then the box's centre x and y and its width and height, each
/// divided by the image's width or height (0–1, six decimals); an image without boxes has an empty file.
/// <c>classes.txt</c> and <c>data.yaml</c> name the classes in index order; <c>metadata.csv</c> carries
/// each image's item id, status, source and confidence.
/// </summary>
internal static class YoloWriter
{
    public static async Task WriteAsync(ExportReader reader, ExportOptions options, Stream output, Action<long> written, CancellationToken ct)
    {
        await using var tar = new TarExport(output);
        var classes = reader.Job.Labels.Select((label, i) => (label, i)).ToDictionary(c => c.label, c => c.i);
        tar.Add("classes.txt", string.Join('\n', reader.Job.Labels) + "\n");
        var yaml = new StringBuilder("# Written by LabelPlatform. Images are not included: labels/ mirrors the paths they were uploaded with.\n");
        yaml.Append("path: .\ntrain: images\nval: images\nnames:\n");
        for (var i = 0; i < reader.Job.Labels.Count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  {i}: \"{reader.Job.Labels[i].Replace("\\", "\\\\").Replace("\"", "\\\"")}\"\n");
        }

        tar.Add("data.yaml", yaml.ToString());
        var metadata = tar.AddMetadata();
        var line = new StringBuilder();
        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                line.Clear();
                foreach (var box in item.Final?.Boxes ?? [])
                {
                    if (!classes.TryGetValue(box.Label, out var index) || item.Width <= 0 || item.Height <= 0)
                    {
                        continue;
                    }

                    line.Append(CultureInfo.InvariantCulture, $"{index} {Norm((box.X + (box.W / 2)) / item.Width)} {Norm((box.Y + (box.H / 2)) / item.Height)} {Norm(box.W / item.Width)} {Norm(box.H / item.Height)}\n");
                }

                tar.Add($"labels/{TarExport.Stem(item.SourceName)}.txt", line.ToString());
                metadata(item);
            }

            await tar.FlushAsync(ct);
            written(page.Count);
        }
    }

    private static string Norm(double value) => Math.Clamp(value, 0, 1).ToString("0.######", CultureInfo.InvariantCulture);
}
