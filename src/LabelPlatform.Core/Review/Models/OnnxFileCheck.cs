using System.Text;

namespace LabelPlatform.Review.Models;

/// <summary>
/// Reads an ONNX file's protobuf without loading it, before anything else opens it, and refuses
/// what would make a loader reach outside the file: a tensor whose data lives in another file (its
/// "location" is a path the loader would open: a model pointing at appsettings.json would read
/// it), and any operator outside the standard ONNX domains (a custom operator is native code the
/// server does not have, or a library it would be asked to find). Walks every graph (loop and
/// branch bodies included), every initializer, attribute tensor and model-local function; skips
/// tensor data without reading it, so a large model costs a pass over its headers.
/// </summary>
public static class OnnxFileCheck
{
    /// <summary>The operator domains ONNX Runtime implements itself: the standard, the ML and the training-free Microsoft contrib ops are not included (native code for each).</summary>
    public static readonly IReadOnlyList<string> AllowedDomains = ["", "ai.onnx", "ai.onnx.ml"];

    private const int MaxDepth = 64;

    /// <summary>The first problem, in words for the researcher, or null when nothing in the file reaches outside it.</summary>
    public static string? Problem(Stream model)
    {
        try
        {
            return new Walker(model).Model(model.Length);
        }
        catch (InvalidDataException e)
        {
            return $"The file is not an ONNX model ({e.Message}).";
        }
    }

    /// <summary>Protobuf wire format, just enough of it: fields are visited and skipped in place.</summary>
    private sealed class Walker(Stream stream)
    {
        private int _depth;

        // ModelProto: graph = 7, opset_import = 8, training_info = 20, functions = 25.
        public string? Model(long end) => Fields(end, (field, wire, length) => (field, wire) switch
        {
            (7, 2) => Graph(length),
            (8, 2) => OperatorSet(length),
            (20, 2) => Skip(length) ?? "The model carries training information; upload an inference model.",
            (25, 2) => Function(length),
            _ => Skip(wire, length),
        });

        // GraphProto: node = 1, initializer = 5, sparse_initializer = 15.
        private string? Graph(long length) => Nested(length, end => Fields(end, (field, wire, size) => (field, wire) switch
        {
            (1, 2) => Node(size),
            (5, 2) => Tensor(size),
            (15, 2) => SparseTensor(size),
            _ => Skip(wire, size),
        }));

        // NodeProto: attribute = 5, domain = 7.
        private string? Node(long length) => Nested(length, end => Fields(end, (field, wire, size) => (field, wire) switch
        {
            (5, 2) => Attribute(size),
            (7, 2) => Domain(ReadString(size), "An operator"),
            _ => Skip(wire, size),
        }));

        // AttributeProto: t = 5, g = 6, tensors = 10, graphs = 11, sparse_tensor = 22, sparse_tensors = 23.
        private string? Attribute(long length) => Nested(length, end => Fields(end, (field, wire, size) => (field, wire) switch
        {
            (5 or 10, 2) => Tensor(size),
            (6 or 11, 2) => Graph(size),
            (22 or 23, 2) => SparseTensor(size),
            _ => Skip(wire, size),
        }));

        // TensorProto: external_data = 13, data_location = 14 (1: external); raw data is skipped unread.
        private string? Tensor(long length)
        {
            string? name = null, location = null;
            var external = false;
            var problem = Nested(length, end => Fields(end, (field, wire, size) =>
            {
                switch (field, wire)
                {
                    case (8, 2):
                        name = ReadString(size);
                        return null;
                    case (13, 2):
                        location ??= ExternalLocation(size);
                        external = true;
                        return null;
                    case (14, 0):
                        external |= size == 1;
                        return null;
                    default:
                        return Skip(wire, size);
                }
            }));
            return problem ?? (external
                ? $"Tensor \"{Clip(name)}\" keeps its data in another file{(location is null ? "" : $" (\"{Clip(location)}\")")}: upload a model with its weights inside the .onnx file (save it without external data)."
                : null);
        }

        // SparseTensorProto: values = 1, indices = 2.
        private string? SparseTensor(long length) => Nested(length, end => Fields(end, (field, wire, size) => (field, wire) switch
        {
            (1 or 2, 2) => Tensor(size),
            _ => Skip(wire, size),
        }));

        // OperatorSetIdProto: domain = 1.
        private string? OperatorSet(long length) => Nested(length, end => Fields(end, (field, wire, size) => (field, wire) switch
        {
            (1, 2) => Domain(ReadString(size), "The model imports operator set"),
            _ => Skip(wire, size),
        }));

        // FunctionProto: node = 7, domain = 10. Its nodes are checked like the graph's.
        private string? Function(long length) => Nested(length, end => Fields(end, (field, wire, size) => (field, wire) switch
        {
            (7, 2) => Node(size),
            (10, 2) => Domain(ReadString(size), "A model-local function"),
            _ => Skip(wire, size),
        }));

        // StringStringEntryProto: key = 1, value = 2; the value of "location".
        private string? ExternalLocation(long length)
        {
            string? key = null, value = null;
            Nested(length, end => Fields(end, (field, wire, size) =>
            {
                switch (field, wire)
                {
                    case (1, 2):
                        key = ReadString(size);
                        return null;
                    case (2, 2):
                        value = ReadString(size);
                        return null;
                    default:
                        return Skip(wire, size);
                }
            }));
            return key == "location" ? value : null;
        }

        private static string? Domain(string domain, string what) =>
            AllowedDomains.Contains(domain, StringComparer.Ordinal)
                ? null
                : $"{what} uses the custom operator domain \"{Clip(domain)}\"; only standard ONNX operators ({string.Join(", ", AllowedDomains.Select(d => d.Length == 0 ? "ai.onnx" : d).Distinct())}) are accepted.";

        private string? Nested(long length, Func<long, string?> body)
        {
            if (++_depth > MaxDepth)
            {
                throw new InvalidDataException("graphs nest too deep");
            }

            var end = stream.Position + length;
            if (end > stream.Length)
            {
                throw new InvalidDataException("a field runs past the end of the file");
            }

            var problem = body(end);
            _depth--;
            return problem;
        }

        // Calls visit(field, wire type, length or varint value) for each field up to end; the first problem stops the walk.
        private string? Fields(long end, Func<int, int, long, string?> visit)
        {
            while (stream.Position < end)
            {
                var tag = ReadVarint();
                var (field, wire) = ((int)(tag >> 3), (int)(tag & 7));
                var value = wire switch
                {
                    0 => ReadVarint(),
                    1 => 8,
                    2 => ReadVarint(),
                    5 => 4,
                    _ => throw new InvalidDataException($"unknown wire type {wire}"),
                };
                if (value < 0 || (wire == 2 && stream.Position + value > end))
                {
                    throw new InvalidDataException("a field runs past its message");
                }

                if (visit(field, wire, value) is { } problem)
                {
                    return problem;
                }
            }

            return stream.Position == end ? null : throw new InvalidDataException("a field runs past its message");
        }

        // A varint field's value was read with its tag; fixed and length-delimited ones are stepped over.
        private string? Skip(int wire, long length)
        {
            if (wire != 0)
            {
                stream.Seek(length, SeekOrigin.Current);
            }

            return null;
        }

        private string? Skip(long length)
        {
            stream.Seek(length, SeekOrigin.Current);
            return null;
        }

        private string ReadString(long length)
        {
            if (length > 4096)
            {
                stream.Seek(length, SeekOrigin.Current);
                return "(a very long name)";
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        private long ReadVarint()
        {
            long result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = stream.ReadByte();
                if (b < 0)
                {
                    throw new InvalidDataException("the file ends inside a field");
                }

                result |= (long)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new InvalidDataException("a number is malformed");
        }
    }

    private static string Clip(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "…";
}
