using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Labels;
using LabelPlatform.Labelling;

namespace LabelPlatform.Exports.Imports;

/// <summary>
/// Reads existing labels in the formats the field uses: COCO detection JSON and YOLO label files (a .zip or .tar.gz,
/// as our own YOLO export writes) for box jobs; CSV and JSONL (<see cref="LabelTables"/>) for any job. Every limit is
/// checked before the bytes it guards are read; a file that cannot be read at all throws <see cref="FormatException"/>
/// with the reason, and a row that cannot be read becomes a row with its problem, so the researcher sees them all.
/// </summary>
public static class LabelFiles
{
    /// <summary>The largest label file taken.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>The most an archive may unpack to, and the most files it may hold.</summary>
    public const long MaxUnpackedBytes = 256L << 20;

    public const int MaxEntries = 200_000;

    public const int MaxLabelFileBytes = 1 << 20;

    public enum Kind
    {
        Coco,
        Yolo,
        Table,
    }

    public static Kind? KindOf(string fileName)
    {
        var name = fileName.ToLowerInvariant();
        return name.EndsWith(".json", StringComparison.Ordinal) ? Kind.Coco
            : name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal) ? Kind.Yolo
            : name.EndsWith(".csv", StringComparison.Ordinal) || name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".ndjson", StringComparison.Ordinal) ? Kind.Table
            : null;
    }

    /// <param name="includeEmpty">An image with no boxes becomes an answer of no boxes (gold), rather than no row (suggestions).</param>
    public static async Task<List<LabelRow>> ReadAsync(string fileName, Stream content, bool includeEmpty, CancellationToken ct)
    {
        if (content.CanSeek && content.Length > MaxFileBytes)
        {
            throw new FormatException($"the file is over {MaxFileBytes >> 20} MiB");
        }

        return KindOf(fileName) switch
        {
            Kind.Coco => await CocoAsync(content, includeEmpty, ct),
            Kind.Yolo => Yolo(Entries(fileName, content), includeEmpty),
            Kind.Table => LabelTables.Parse(fileName, ReadText(content, MaxFileBytes, "the file")),
            _ => throw new FormatException($"\"{fileName}\" is not a COCO .json, a YOLO .zip or .tar.gz, or a .csv or .jsonl file"),
        };
    }

    private static async Task<List<LabelRow>> CocoAsync(Stream content, bool includeEmpty, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(content, new JsonDocumentOptions { MaxDepth = 16 }, ct);
        }
        catch (JsonException e)
        {
            throw new FormatException($"it is not JSON ({e.Message.Split('.')[0]})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("images", out var images) || images.ValueKind != JsonValueKind.Array
                || !root.TryGetProperty("categories", out var categories) || categories.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("a COCO file is an object with \"images\", \"categories\" and \"annotations\" arrays");
            }

            var rows = new List<LabelRow>();
            var names = new Dictionary<long, string>();
            foreach (var category in categories.EnumerateArray())
            {
                if (Long(category, "id") is { } id && category.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    names[id] = name.GetString()!;
                }
                else
                {
                    rows.Add(LabelRow.Bad($"category {names.Count + 1}", "needs a numeric \"id\" and a \"name\""));
                }
            }

            var byImage = new Dictionary<long, (string Key, string Where, List<BoundingBox> Boxes)>();
            var index = 0;
            foreach (var image in images.EnumerateArray())
            {
                index++;
                var key = image.TryGetProperty("lp_item_id", out var own) && own.ValueKind == JsonValueKind.String ? own.GetString()
                    : image.TryGetProperty("file_name", out var file) && file.ValueKind == JsonValueKind.String ? file.GetString() : null;
                if (Long(image, "id") is not { } id || string.IsNullOrWhiteSpace(key))
                {
                    rows.Add(LabelRow.Bad($"image {index}", "needs a numeric \"id\" and a \"file_name\""));
                    continue;
                }

                if (!byImage.TryAdd(id, (key, $"image \"{key}\" (id {id})", [])))
                {
                    rows.Add(LabelRow.Bad($"image {index}", $"the id {id} is used twice"));
                }
            }

            index = 0;
            foreach (var annotation in root.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Array ? annotations.EnumerateArray() : default)
            {
                index++;
                var where = $"annotation {index}" + (Long(annotation, "id") is { } annotationId ? $" (id {annotationId})" : "");
                if (Long(annotation, "image_id") is not { } imageId || !byImage.TryGetValue(imageId, out var image))
                {
                    rows.Add(LabelRow.Bad(where, "its \"image_id\" names no image in the file"));
                    continue;
                }

                if (Long(annotation, "category_id") is not { } categoryId || !names.TryGetValue(categoryId, out var label))
                {
                    rows.Add(LabelRow.Bad(where, "its \"category_id\" names no category in the file"));
                    continue;
                }

                if (!annotation.TryGetProperty("bbox", out var bbox) || bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() != 4
                    || bbox.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                {
                    rows.Add(LabelRow.Bad(where, "needs \"bbox\": [x, y, width, height] in pixels"));
                    continue;
                }

                var v = bbox.EnumerateArray().Select(n => n.GetDouble()).ToArray();
                image.Boxes.Add(new BoundingBox(label, v[0], v[1], v[2], v[3]));
            }

            rows.AddRange(byImage.Values.Where(i => includeEmpty || i.Boxes.Count > 0).Select(i => new LabelRow(i.Where, i.Key, Answer.WithBoxes(i.Boxes))));
            return rows;
        }
    }

    private static long? Long(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    /// <summary>YOLO: class names from classes.txt, obj.names or data.yaml; one labels/…/name.txt per image, "class cx cy w h" per box, fractions of the image.</summary>
    private static List<LabelRow> Yolo(IEnumerable<(string Path, string Text)> entries, bool includeEmpty)
    {
        var files = entries.ToList();
        var classes = ClassNames(files) ?? throw new FormatException("the archive needs classes.txt (one class per line), obj.names or data.yaml with \"names\", in the order of the class numbers");
        var rows = new List<LabelRow>();
        foreach (var (path, text) in files.Where(f => f.Path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) && !IsClassList(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var key = path[..^4];
            var labels = key.LastIndexOf("labels/", StringComparison.Ordinal);
            key = labels >= 0 && (labels == 0 || key[labels - 1] == '/') ? key[(labels + 7)..] : key;
            var boxes = new List<BoundingBox>();
            var line = 0;
            var bad = false;
            foreach (var raw in text.Split('\n'))
            {
                line++;
                var fields = raw.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0)
                {
                    continue;
                }

                var where = $"{path} line {line}";
                var numbers = fields.Skip(1).Select(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN).ToArray();
                if (fields.Length is not (5 or 6) || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var klass) || numbers.Any(double.IsNaN))
                {
                    rows.Add(LabelRow.Bad(where, "is not \"class cx cy w h\" (a class number and four fractions of the image)"));
                    bad = true;
                }
                else if (klass >= classes.Count)
                {
                    rows.Add(LabelRow.Bad(where, $"class {klass} is not in the class list ({classes.Count} classes, numbered from 0)"));
                    bad = true;
                }
                else if (numbers.Take(4).Any(n => n is < 0 or > 1) || numbers[2] <= 0 || numbers[3] <= 0)
                {
                    rows.Add(LabelRow.Bad(where, "the centre and size must be fractions of the image, from 0 to 1 (with a size above 0)"));
                    bad = true;
                }
                else
                {
                    boxes.Add(new BoundingBox(classes[klass], numbers[0], numbers[1], numbers[2], numbers[3]));
                }
            }

            if (!bad && (includeEmpty || boxes.Count > 0))
            {
                rows.Add(new LabelRow(path, key, Answer.WithBoxes(boxes), Normalised: true));
            }
        }

        return rows;
    }

    private static bool IsClassList(string path) => Path.GetFileName(path).ToLowerInvariant() is "classes.txt" or "obj.names" or "labels.txt";

    private static List<string>? ClassNames(List<(string Path, string Text)> files)
    {
        if (files.Where(f => IsClassList(f.Path) || f.Path.EndsWith(".names", StringComparison.OrdinalIgnoreCase)).OrderBy(f => f.Path.Length).FirstOrDefault() is { Text: { } list })
        {
            return [.. list.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
        }

        if (files.Where(f => Path.GetFileName(f.Path).ToLowerInvariant() is "data.yaml" or "dataset.yaml" or "data.yml").OrderBy(f => f.Path.Length).FirstOrDefault() is { Text: { } yaml })
        {
            return YamlNames(yaml);
        }

        return null;
    }

    /// <summary>The "names" of a YOLO data.yaml: an inline list, a block list, or a map from class number to name.</summary>
    internal static List<string>? YamlNames(string yaml)
    {
        var lines = yaml.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var at = lines.FindIndex(l => l.StartsWith("names:", StringComparison.Ordinal));
        if (at < 0)
        {
            return null;
        }

        static string Unquote(string s) => s.Trim().Trim('\'', '"');
        var inline = lines[at][6..].Trim();
        if (inline.StartsWith('['))
        {
            return [.. inline.Trim('[', ']').Split(',').Select(Unquote).Where(s => s.Length > 0)];
        }

        var names = new SortedDictionary<int, string>();
        var listed = new List<string>();
        foreach (var line in lines.Skip(at + 1).TakeWhile(l => l.Length == 0 || char.IsWhiteSpace(l[0])))
        {
            var item = line.Trim();
            if (item.StartsWith("- ", StringComparison.Ordinal))
            {
                listed.Add(Unquote(item[2..]));
            }
            else if (item.Split(':', 2) is [var number, var name] && int.TryParse(number.Trim(), out var n))
            {
                names[n] = Unquote(name);
            }
        }

        return listed.Count > 0 ? listed : names.Count > 0 && names.Keys.SequenceEqual(Enumerable.Range(0, names.Count)) ? [.. names.Values] : null;
    }

    /// <summary>The text files of a zip or tar.gz (label files are text), each path checked as the item upload checks it.</summary>
    private static IEnumerable<(string Path, string Text)> Entries(string fileName, Stream content)
    {
        var total = 0L;
        var count = 0;
        (string, string)? Take(string name, long length, Func<Stream> open)
        {
            var (verdict, reason) = ZipPathRules.Classify(name);
            if (verdict == PathVerdict.Unsafe)
            {
                throw new FormatException($"\"{name}\": {reason}");
            }

            if (verdict != PathVerdict.File || !(name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".names", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            if (++count > MaxEntries)
            {
                throw new FormatException($"the archive holds more than {MaxEntries:N0} label files");
            }

            if (length > MaxLabelFileBytes)
            {
                throw new FormatException($"\"{name}\" is over {MaxLabelFileBytes >> 20} MiB, too large for a label file");
            }

            total += length;
            if (total > MaxUnpackedBytes)
            {
                throw new FormatException($"the archive unpacks to more than {MaxUnpackedBytes >> 20} MiB");
            }

            using var stream = open();
            return (string.Join('/', name.Split('/', '\\').Where(s => s.Length > 0 && s != ".")), ReadText(stream, MaxLabelFileBytes, "a file"));
        }

        if (fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipArchive zip;
            try
            {
                zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException)
            {
                throw new FormatException("it is not a zip file");
            }

            using (zip)
            {
                foreach (var entry in zip.Entries)
                {
                    if (Take(entry.FullName, entry.Length, entry.Open) is { } file)
                    {
                        yield return file;
                    }
                }
            }

            yield break;
        }

        using var gzip = new GZipStream(content, CompressionMode.Decompress, leaveOpen: true);
        using var tar = new TarReader(gzip);
        while (NextEntry(tar) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data
                && Take(entry.Name, entry.Length, () => data) is { } file)
            {
                yield return file;
            }
        }
    }

    private static TarEntry? NextEntry(TarReader tar)
    {
        try
        {
            return tar.GetNextEntry();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new FormatException("it is not a .tar.gz archive (or it is cut short)");
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes as UTF-8 (a byte-order mark dropped); more is refused, not cut.</summary>
    private static string ReadText(Stream stream, long limit, string what)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new FormatException($"{what} is over {limit >> 20} MiB");
            }

            buffer.Write(chunk, 0, read);
        }

        return Utf8(buffer);
    }

    private static string Utf8(MemoryStream buffer)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("it is not UTF-8 text");
        }
    }
}
