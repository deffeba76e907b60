namespace LabelPlatform.Testing.Onnx;

/// <summary>The ONNX element types the test models use (values are <c>TensorProto.DataType</c>).</summary>
public enum OnnxType
{
    Float = 1,
    Int64 = 7,
    Bool = 9,
}

/// <summary>One dimension of a declared shape: a fixed size, or a symbolic name such as "N".</summary>
public readonly record struct Dim(long? Value, string? Param)
{
    public static implicit operator Dim(long value) => new(value, null);

    public static implicit operator Dim(string param) => new(null, param);

    public override string ToString() => Param ?? Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record OnnxValueInfo(string Name, OnnxType Type, IReadOnlyList<Dim> Shape);

/// <summary>
/// A constant tensor (initializer); exactly one of <see cref="Floats"/> and <see cref="Int64s"/> is
/// set. With <see cref="ExternalLocation"/> it claims its data lives in that file instead (as
/// exporters write models over 2 GB): the loader would open the path.
/// </summary>
public sealed record OnnxTensor(string Name, OnnxType Type, long[] Dims, float[]? Floats, long[]? Int64s, string? ExternalLocation = null)
{
    public static OnnxTensor Float(string name, long[] dims, params float[] values) =>
        Checked(new(name, OnnxType.Float, dims, values, null), values.Length);

    public static OnnxTensor Int64(string name, long[] dims, params long[] values) =>
        Checked(new(name, OnnxType.Int64, dims, null, values), values.Length);

    private static OnnxTensor Checked(OnnxTensor tensor, int count)
    {
        var expected = tensor.Dims.Aggregate(1L, (product, dim) => product * dim);
        if (expected != count)
        {
            throw new ArgumentException($"Tensor \"{tensor.Name}\" of shape [{string.Join(", ", tensor.Dims)}] needs {expected} values, not {count}.");
        }

        return tensor;
    }
}

public enum OnnxAttributeType
{
    Float = 1,
    Int = 2,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
}

public sealed record OnnxAttribute(string Name, OnnxAttributeType Type, float[] FloatValues, long[] IntValues, OnnxTensor? TensorValue = null, OnnxGraph? GraphValue = null)
{
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, OnnxAttributeType.Tensor, [], [], value);

    /// <summary>A subgraph: the body of a Loop, a branch of an If.</summary>
    public static OnnxAttribute Graph(string name, OnnxGraph value) => new(name, OnnxAttributeType.Graph, [], [], GraphValue: value);

    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeType.Int, [], [value]);

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxAttributeType.Ints, [], values);

    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeType.Float, [value], []);

    public static OnnxAttribute Floats(string name, params float[] values) => new(name, OnnxAttributeType.Floats, values, []);
}

/// <param name="Domain">The operator's domain; null is ONNX's own.</param>
public sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes, string? Domain = null);

/// <summary>
/// A graph described in a few calls, for <see cref="OnnxModelWriter"/>: inputs, initializers, nodes
/// (in topological order, as ONNX requires) and outputs.
/// </summary>
public sealed class OnnxGraph
{
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxNode> _nodes = [];

    public OnnxGraph(string name = "test") => Name = name;

    public string Name { get; }

    public IReadOnlyList<OnnxValueInfo> Inputs => _inputs;

    public IReadOnlyList<OnnxValueInfo> Outputs => _outputs;

    public IReadOnlyList<OnnxTensor> Initializers => _initializers;

    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    public OnnxGraph Input(string name, OnnxType type, params Dim[] shape)
    {
        _inputs.Add(new(name, type, shape));
        return this;
    }

    public OnnxGraph Output(string name, OnnxType type, params Dim[] shape)
    {
        _outputs.Add(new(name, type, shape));
        return this;
    }

    public OnnxGraph Initializer(OnnxTensor tensor)
    {
        _initializers.Add(tensor);
        return this;
    }

    public OnnxGraph Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        _nodes.Add(new(opType, inputs, outputs, attributes));
        return this;
    }

    /// <summary>A node of another operator domain (a custom operator).</summary>
    public OnnxGraph NodeIn(string domain, string opType, string[] inputs, string[] outputs)
    {
        _nodes.Add(new(opType, inputs, outputs, [], domain));
        return this;
    }

    public byte[] ToBytes() => OnnxModelWriter.Write(this);
}
