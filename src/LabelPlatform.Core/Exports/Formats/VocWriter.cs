using System.Globalization;
using System.Xml;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// Pascal VOC: <c>Annotations/&lt;image path without extension&gt;.xml</c> for every image, with its file name,
/// size and one <c>object</c> per final box (<c>name</c>, <c>pose</c>, <c>truncated</c>, <c>difficult</c> and
/// <c>bndbox</c> with xmin, ymin, xmax, ymax in pixels); <c>ImageSets/Main/default.txt</c> lists the images,
/// <c>labelmap.txt</c> the classes, <c>metadata.csv</c> each image's item id, status, source and confidence.
/// </summary>
internal static class VocWriter
{
    private static readonly XmlWriterSettings Settings = new() { Indent = true, OmitXmlDeclaration = false, Encoding = new System.Text.UTF8Encoding(false) };

    public static async Task WriteAsync(ExportReader reader, ExportOptions options, Stream output, Action<long> written, CancellationToken ct)
    {
        await using var zip = new ZipExport(output);
        var labels = reader.Job.Labels.ToHashSet(StringComparer.Ordinal);
        zip.Add("labelmap.txt", "# label\n" + string.Concat(reader.Job.Labels.Select(l => l + "\n")));
        using var file = new MemoryStream();
        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                file.SetLength(0);
                using (var xml = XmlWriter.Create(file, Settings))
                {
                    WriteAnnotation(xml, item, labels);
                }

                zip.Add($"Annotations/{ZipExport.Stem(item.SourceName)}.xml", file.GetBuffer().AsSpan(0, (int)file.Length));
            }

            await zip.FlushAsync(ct);
            written(page.Count);
        }

        await zip.AddLinesAsync("ImageSets/Main/default.txt", "", reader, item => ZipExport.Stem(item.SourceName), ct);
        await zip.AddMetadataAsync(reader, ct);
    }

    private static void WriteAnnotation(XmlWriter xml, ExportItem item, HashSet<string> labels)
    {
        xml.WriteStartDocument();
        xml.WriteStartElement("annotation");
        xml.WriteElementString("folder", "");
        xml.WriteElementString("filename", Path.GetFileName(item.SourceName));
        xml.WriteElementString("path", item.SourceName);
        xml.WriteStartElement("source");
        xml.WriteElementString("database", "LabelPlatform");
        xml.WriteEndElement();
        xml.WriteStartElement("size");
        xml.WriteElementString("width", item.Width.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("height", item.Height.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("depth", "3");
        xml.WriteEndElement();
        xml.WriteElementString("segmented", "0");
        foreach (var box in item.Final?.Boxes ?? [])
        {
            if (!labels.Contains(box.Label))
            {
                continue;
            }

            xml.WriteStartElement("object");
            xml.WriteElementString("name", box.Label);
            xml.WriteElementString("pose", "Unspecified");
            xml.WriteElementString("truncated", box.X <= 0 || box.Y <= 0 || box.X + box.W >= item.Width || box.Y + box.H >= item.Height ? "1" : "0");
            xml.WriteElementString("difficult", "0");
            xml.WriteStartElement("bndbox");
            xml.WriteElementString("xmin", Pixel(box.X));
            xml.WriteElementString("ymin", Pixel(box.Y));
            xml.WriteElementString("xmax", Pixel(box.X + box.W));
            xml.WriteElementString("ymax", Pixel(box.Y + box.H));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static string Pixel(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
