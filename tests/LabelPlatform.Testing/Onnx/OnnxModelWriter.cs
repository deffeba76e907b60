using System.Buffers.Binary;
using Google.Protobuf;

namespace LabelPlatform.Testing.Onnx;

/// <summary>
/// Encodes an <see cref="OnnxGraph"/> as an ONNX ModelProto (IR version 8, default-domain opset 13),
/// field by field with protobuf's wire format. Field numbers are those of onnx/onnx.proto.
/// </summary>
public static class OnnxModelWriter
{
    public const long IrVersion = 8;
    public const long Opset = 13;

    public static byte[] Write(OnnxGraph graph) => Message(model =>
    {
        Int64(model, 1, IrVersion); // ir_version
        String(model, 2, "LabelPlatform.Testing"); // producer_name
        Nested(model, 7, Graph(graph)); // graph
        Nested(model, 8, Message(opset => Int64(opset, 2, Opset))); // opset_import: domain "" (ai.onnx)
    });

    private static byte[] Graph(OnnxGraph graph) => Message(g =>
    {
        foreach (var node in graph.Nodes)
        {
            Nested(g, 1, Node(node));
        }

        String(g, 2, graph.Name);
        foreach (var tensor in graph.Initializers)
        {
            Nested(g, 5, Tensor(tensor));
        }

        foreach (var input in graph.Inputs)
        {
            Nested(g, 11, ValueInfo(input));
        }

        foreach (var output in graph.Outputs)
        {
            Nested(g, 12, ValueInfo(output));
        }
    });

    private static byte[] Node(OnnxNode node) => Message(n =>
    {
        foreach (var input in node.Inputs)
        {
            String(n, 1, input);
        }

        foreach (var output in node.Outputs)
        {
            String(n, 2, output);
        }

        String(n, 3, $"{node.OpType}_{string.Join("_", node.Outputs)}"); // name
        String(n, 4, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            Nested(n, 5, Attribute(attribute));
        }

        if (node.Domain is { } domain)
        {
            String(n, 7, domain); // domain
        }
    });

    private static byte[] Attribute(OnnxAttribute attribute) => Message(a =>
    {
        String(a, 1, attribute.Name);
        Int64(a, 20, (long)attribute.Type); // type: the discriminator IR ≥ 2 requires
        switch (attribute.Type)
        {
            case OnnxAttributeType.Float:
                a.WriteTag(2, WireFormat.WireType.Fixed32);
                a.WriteFloat(attribute.FloatValues[0]);
                break;
            case OnnxAttributeType.Int:
                Int64(a, 3, attribute.IntValues[0]);
                break;
            case OnnxAttributeType.Floats:
                foreach (var value in attribute.FloatValues)
                {
                    a.WriteTag(7, WireFormat.WireType.Fixed32);
                    a.WriteFloat(value);
                }

                break;
            case OnnxAttributeType.Ints:
                foreach (var value in attribute.IntValues)
                {
                    Int64(a, 8, value);
                }

                break;
            case OnnxAttributeType.Tensor:
                Nested(a, 5, Tensor(attribute.TensorValue!)); // t
                break;
            case OnnxAttributeType.Graph:
                Nested(a, 6, Graph(attribute.GraphValue!)); // g
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(attribute), attribute.Type, "Unsupported attribute type.");
        }
    });

    private static byte[] Tensor(OnnxTensor tensor) => Message(t =>
    {
        foreach (var dim in tensor.Dims)
        {
            Int64(t, 1, dim); // dims
        }

        Int64(t, 2, (long)tensor.Type); // data_type
        String(t, 8, tensor.Name);
        if (tensor.ExternalLocation is { } location)
        {
            Nested(t, 13, Message(entry => // external_data: {"location": path}
            {
                String(entry, 1, "location");
                String(entry, 2, location);
            }));
            Int64(t, 14, 1); // data_location: EXTERNAL
            return;
        }

        Bytes(t, 9, RawData(tensor)); // raw_data: fixed-width little-endian, as exporters write it
    });

    private static byte[] RawData(OnnxTensor tensor)
    {
        if (tensor.Floats is { } floats)
        {
            var bytes = new byte[floats.Length * sizeof(float)];
            for (var i = 0; i < floats.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), floats[i]);
            }

            return bytes;
        }

        var longs = tensor.Int64s!;
        var raw = new byte[longs.Length * sizeof(long)];
        for (var i = 0; i < longs.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), longs[i]);
        }

        return raw;
    }

    private static byte[] ValueInfo(OnnxValueInfo value) => Message(v =>
    {
        String(v, 1, value.Name);
        var shape = Message(s =>
        {
            foreach (var dim in value.Shape)
            {
                Nested(s, 1, Message(d =>
                {
                    if (dim.Param is { } param)
                    {
                        String(d, 2, param); // dim_param
                    }
                    else
                    {
                        Int64(d, 1, dim.Value!.Value); // dim_value
                    }
                }));
            }
        });
        var tensorType = Message(t =>
        {
            Int64(t, 1, (long)value.Type); // elem_type
            Nested(t, 2, shape);
        });
        Nested(v, 2, Message(type => Nested(type, 1, tensorType))); // type.tensor_type
    });

    /// <summary>Nested messages are length-delimited, so each is encoded on its own first.</summary>
    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }

    private static void Nested(CodedOutputStream output, int field, byte[] message) => Bytes(output, field, message);

    private static void Bytes(CodedOutputStream output, int field, byte[] bytes)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(bytes));
    }

    private static void String(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void Int64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }
}
