using System.Globalization;
using System.Text;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// Pascal VOC: <c>Annotations/&lt;image path without extension&gt;.xml</c> for every image, with its file name,
/// size and one <c>object</c> per final box (<c>name</c>, <c>pose</c>, <c>truncated</c>, <c>difficult</c> and
/// <c>bndbox</c> with xmin, ymin, xmax, ymax in pixels); <c>ImageSets/Main/default.txt</c> lists the images,
/// <c>labelmap.txt</c> the classes, <c>metadata.csv</c> each image's item id, status, source and confidence.
/// </summary>
internal static class VocWriter
{
    public static async Task WriteAsync(ExportReader reader, ExportOptions options, Stream output, Action<long> written, CancellationToken ct)
    {
        await using var tar = new TarExport(output);
        var labels = reader.Job.Labels.ToHashSet(StringComparer.Ordinal);
        tar.Add("labelmap.txt", "# label\n" + string.Concat(reader.Job.Labels.Select(l => l + "\n")));
        var list = tar.AddLater("ImageSets/Main/default.txt", "");
        var metadata = tar.AddMetadata();
        var xml = new StringBuilder();
        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                xml.Clear();
                WriteAnnotation(xml, item, labels);
                var stem = TarExport.Stem(item.SourceName);
                tar.Add($"Annotations/{stem}.xml", xml.ToString());
                list.Line(stem);
                metadata(item);
            }

            await tar.FlushAsync(ct);
            written(page.Count);
        }

    }

    /// <summary>One image's annotation file, text escaped for XML (file names and labels are the researcher's).</summary>
    private static void WriteAnnotation(StringBuilder xml, ExportItem item, HashSet<string> labels)
    {
        xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotation>\n");
        xml.Append("  <folder></folder>\n");
        Element(xml, "  ", "filename", Path.GetFileName(item.SourceName));
        Element(xml, "  ", "path", item.SourceName);
        xml.Append("  <source>\n    <database>LabelPlatform</database>\n  </source>\n");
        xml.Append(CultureInfo.InvariantCulture, $"  <size>\n    <width>{item.Width}</width>\n    <height>{item.Height}</height>\n    <depth>3</depth>\n  </size>\n");
        xml.Append("  <segmented>0</segmented>\n");
        foreach (var box in item.Final?.Boxes ?? [])
        {
            if (!labels.Contains(box.Label))
            {
                continue;
            }

            var truncated = box.X <= 0 || box.Y <= 0 || box.X + box.W >= item.Width || box.Y + box.H >= item.Height;
            xml.Append("  <object>\n");
            Element(xml, "    ", "name", box.Label);
            xml.Append(CultureInfo.InvariantCulture, $"    <pose>Unspecified</pose>\n    <truncated>{(truncated ? 1 : 0)}</truncated>\n    <difficult>0</difficult>\n");
            xml.Append(CultureInfo.InvariantCulture, $"    <bndbox>\n      <xmin>{Pixel(box.X)}</xmin>\n      <ymin>{Pixel(box.Y)}</ymin>\n      <xmax>{Pixel(box.X + box.W)}</xmax>\n      <ymax>{Pixel(box.Y + box.H)}</ymax>\n    </bndbox>\n");
            xml.Append("  </object>\n");
        }

        xml.Append("</annotation>\n");
    }

    private static void Element(StringBuilder xml, string indent, string name, string text) =>
        xml.Append(indent).Append('<').Append(name).Append('>').Append(System.Security.SecurityElement.Escape(text)).Append("</").Append(name).Append(">\n");

    private static string Pixel(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
