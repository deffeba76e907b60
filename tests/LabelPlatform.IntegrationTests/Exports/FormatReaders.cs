using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace LabelPlatform.IntegrationTests.Exports;

/// <summary>A box read back from an export, in image pixels.</summary>
public sealed record ReadBox(string Label, double X, double Y, double W, double H);

/// <summary>
/// Readers written against each format's published rules, not against our writers: each checks what its
/// specification requires and fails on anything it does not allow, then returns the boxes per image file.
/// </summary>
public static class FormatReaders
{
    /// <summary>
    /// COCO detection (cocodataset.org/#format-data): <c>images</c> with unique positive integer ids, a file name,
    /// integer width and height; <c>categories</c> with unique ids and names; <c>annotations</c> with unique ids, an
    /// existing image and category, <c>bbox</c> [x, y, width, height] with non-negative sides inside the image,
    /// <c>area</c> its width × height, <c>iscrowd</c> 0 or 1; a result's <c>score</c> is within 0–1.
    /// </summary>
    public static Dictionary<string, List<ReadBox>> Coco(byte[] json, out JsonElement root)
    {
        root = JsonDocument.Parse(json).RootElement.Clone();
        var categories = root.GetProperty("categories").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt64(), c => c.GetProperty("name").GetString()!);
        Assert.All(categories.Keys, id => Assert.True(id > 0));
        Assert.Equal(categories.Count, categories.Values.Distinct().Count());
        var images = new Dictionary<long, (string File, int Width, int Height)>();
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            var id = image.GetProperty("id").GetInt64();
            Assert.True(id > 0, "image ids are positive");
            Assert.True(images.TryAdd(id, (image.GetProperty("file_name").GetString()!, image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32())), $"image id {id} twice");
            Assert.False(string.IsNullOrEmpty(images[id].File));
            Assert.True(images[id].Width > 0 && images[id].Height > 0);
        }

        var boxes = images.Values.ToDictionary(i => i.File, _ => new List<ReadBox>());
        var ids = new HashSet<long>();
        foreach (var annotation in root.GetProperty("annotations").EnumerateArray())
        {
            Assert.True(ids.Add(annotation.GetProperty("id").GetInt64()), "annotation ids are unique");
            var image = images[annotation.GetProperty("image_id").GetInt64()];
            var label = categories[annotation.GetProperty("category_id").GetInt64()];
            var bbox = annotation.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(4, bbox.Length);
            Assert.True(bbox[2] >= 0 && bbox[3] >= 0, "bbox sides are non-negative");
            Assert.True(bbox[0] >= 0 && bbox[1] >= 0 && bbox[0] + bbox[2] <= image.Width + 0.01 && bbox[1] + bbox[3] <= image.Height + 0.01, $"bbox {string.Join(',', bbox)} inside {image.Width}x{image.Height}");
            Assert.Equal(bbox[2] * bbox[3], annotation.GetProperty("area").GetDouble(), 1);
            Assert.Contains(annotation.GetProperty("iscrowd").GetInt32(), new[] { 0, 1 });
            if (annotation.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number)
            {
                Assert.InRange(score.GetDouble(), 0, 1);
            }

            boxes[image.File].Add(new ReadBox(label, bbox[0], bbox[1], bbox[2], bbox[3]));
        }

        return boxes;
    }

    /// <summary>
    /// YOLO (Ultralytics' dataset format): one <c>.txt</c> per image under <c>labels/</c>, a line per object of five
    /// space-separated numbers: an integer class index into the class list, then the box's centre x, centre y,
    /// width and height divided by the image's width and height, each within 0–1. Returns boxes in pixels,
    /// using the image sizes the caller knows.
    /// </summary>
    public static Dictionary<string, List<ReadBox>> Yolo(byte[] tarGz, IReadOnlyDictionary<string, (int Width, int Height)> sizes, out List<string> classes)
    {
        var zip = Files(tarGz);
        classes = Text(zip, "classes.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var names = classes;
        Assert.Contains("names:", Text(zip, "data.yaml"), StringComparison.Ordinal);
        var boxes = new Dictionary<string, List<ReadBox>>();
        foreach (var entry in zip.Keys.Where(e => e.StartsWith("labels/", StringComparison.Ordinal)))
        {
            Assert.EndsWith(".txt", entry, StringComparison.Ordinal);
            var stem = entry["labels/".Length..^".txt".Length];
            var (file, (width, height)) = sizes.Single(s => s.Key[..s.Key.LastIndexOf('.')] == stem);
            var list = boxes[file] = [];
            foreach (var line in Text(zip, entry).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                Assert.Equal(5, parts.Length);
                var index = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
                Assert.InRange(index, 0, names.Count - 1);
                var v = parts[1..].Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
                Assert.All(v, x => Assert.InRange(x, 0, 1));
                list.Add(new ReadBox(names[index], (v[0] - (v[2] / 2)) * width, (v[1] - (v[3] / 2)) * height, v[2] * width, v[3] * height));
            }
        }

        return boxes;
    }

    /// <summary>
    /// Pascal VOC (the VOC2012 devkit's annotation layout): <c>Annotations/*.xml</c>, each an <c>annotation</c> with
    /// <c>filename</c>, <c>size</c> (width, height, depth), <c>segmented</c>, and per object <c>name</c>, <c>pose</c>,
    /// <c>truncated</c> and <c>difficult</c> (0 or 1) and a <c>bndbox</c> whose xmin &lt; xmax ≤ width and
    /// ymin &lt; ymax ≤ height. Returns boxes per <c>path</c>, the image's path in the job.
    /// </summary>
    public static Dictionary<string, List<ReadBox>> Voc(byte[] tarGz, IReadOnlyCollection<string> labels)
    {
        var zip = Files(tarGz);
        var listed = Text(zip, "ImageSets/Main/default.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var boxes = new Dictionary<string, List<ReadBox>>();
        foreach (var entry in zip.Keys.Where(e => e.StartsWith("Annotations/", StringComparison.Ordinal)))
        {
            var root = XDocument.Parse(Text(zip, entry)).Root!;
            Assert.Equal("annotation", root.Name.LocalName);
            Assert.False(string.IsNullOrEmpty(root.Element("filename")?.Value));
            var size = root.Element("size")!;
            var width = int.Parse(size.Element("width")!.Value, CultureInfo.InvariantCulture);
            var height = int.Parse(size.Element("height")!.Value, CultureInfo.InvariantCulture);
            Assert.InRange(int.Parse(size.Element("depth")!.Value, CultureInfo.InvariantCulture), 1, 4);
            Assert.Contains(root.Element("segmented")!.Value, new[] { "0", "1" });
            Assert.Contains(entry["Annotations/".Length..^".xml".Length], listed);
            var list = boxes[root.Element("path")!.Value] = [];
            foreach (var obj in root.Elements("object"))
            {
                var name = obj.Element("name")!.Value;
                Assert.Contains(name, labels);
                Assert.Contains(obj.Element("truncated")!.Value, new[] { "0", "1" });
                Assert.Contains(obj.Element("difficult")!.Value, new[] { "0", "1" });
                Assert.False(string.IsNullOrEmpty(obj.Element("pose")!.Value));
                var box = obj.Element("bndbox")!;
                double V(string n) => double.Parse(box.Element(n)!.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
                var (xmin, ymin, xmax, ymax) = (V("xmin"), V("ymin"), V("xmax"), V("ymax"));
                Assert.True(xmin >= 0 && xmin < xmax && xmax <= width && ymin >= 0 && ymin < ymax && ymax <= height, $"{entry}: box outside {width}x{height}");
                list.Add(new ReadBox(name, xmin, ymin, xmax - xmin, ymax - ymin));
            }
        }

        return boxes;
    }

    /// <summary>A gzipped tar's regular files by name (POSIX tar, as every tar tool reads it).</summary>
    public static Dictionary<string, string> Files(byte[] tarGz)
    {
        using var tar = new TarReader(new GZipStream(new MemoryStream(tarGz), CompressionMode.Decompress));
        var files = new Dictionary<string, string>();
        while (tar.GetNextEntry() is { } entry)
        {
            Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
            Assert.False(entry.Name.StartsWith('/') || entry.Name.Contains("..", StringComparison.Ordinal), entry.Name);
            using var reader = entry.DataStream is null ? null : new StreamReader(entry.DataStream);
            Assert.True(files.TryAdd(entry.Name, reader?.ReadToEnd() ?? ""), $"{entry.Name} twice");
        }

        return files;
    }

    public static string Text(Dictionary<string, string> files, string name) =>
        files.TryGetValue(name, out var text) ? text : throw new Xunit.Sdk.XunitException($"The archive has no {name}.");
}
