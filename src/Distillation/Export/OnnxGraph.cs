using System.Runtime.InteropServices;

namespace Ensemble.Distillation.Export;

/// <summary>
/// Builds an ONNX model (<c>ModelProto</c> of onnx.proto, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto):
/// float32 (and, for quantized models, int8, uint8 and int32) initializers, nodes of the default operator set, one
/// float32 input and one float32 output whose shapes are static but for a batch dimension written as
/// <see cref="BatchDimension"/>. Nodes are listed in the order added, which must be a topological order.
/// </summary>
internal sealed class OnnxGraph(string name)
{
    /// <summary>The IR version written: 7 is the one that goes with opset 13.</summary>
    public const long IrVersion = 7;

    /// <summary>The version of the default (<c>ai.onnx</c>) operator set the nodes use.</summary>
    public const long Opset = 13;

    /// <summary>A dimension given as this value is the batch: written as the symbolic dimension <see cref="BatchName"/>.</summary>
    public const long BatchDimension = -1;

    /// <summary>The name of the symbolic batch dimension.</summary>
    public const string BatchName = "N";

    // TensorProto.DataType: FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6.
    private const int FloatDataType = 1;
    private const int Uint8DataType = 2;
    private const int Int8DataType = 3;
    private const int Int32DataType = 6;

    private readonly List<(string Name, long[] Dims, int DataType, byte[] Data)> _initializers = [];
    private readonly List<(string OpType, string[] Inputs, string Output, OnnxAttribute[] Attributes)> _nodes = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private (string Name, long[] Dims)? _input;
    private (string Name, long[] Dims)? _output;

    /// <summary>The names of the initializers added so far, in order.</summary>
    public IEnumerable<string> InitializerNames => _initializers.Select(i => i.Name);

    /// <summary>Adds a float32 constant (a weight) named <paramref name="tensorName"/>; returns its name.</summary>
    /// <exception cref="ArgumentException">The name is taken, or <paramref name="values"/> does not have the shape's element count.</exception>
    public string AddInitializer(string tensorName, long[] dims, ReadOnlySpan<float> values) => Add(tensorName, dims, FloatDataType, values);

    /// <summary>Adds an int8 constant (quantized weights); returns its name.</summary>
    /// <exception cref="ArgumentException">The name is taken, or <paramref name="values"/> does not have the shape's element count.</exception>
    public string AddInitializer(string tensorName, long[] dims, ReadOnlySpan<sbyte> values) => Add(tensorName, dims, Int8DataType, values);

    /// <summary>Adds a uint8 constant (activation zero points); returns its name.</summary>
    /// <exception cref="ArgumentException">The name is taken, or <paramref name="values"/> does not have the shape's element count.</exception>
    public string AddInitializer(string tensorName, long[] dims, ReadOnlySpan<byte> values) => Add(tensorName, dims, Uint8DataType, values);

    /// <summary>Adds an int32 constant (quantized biases); returns its name.</summary>
    /// <exception cref="ArgumentException">The name is taken, or <paramref name="values"/> does not have the shape's element count.</exception>
    public string AddInitializer(string tensorName, long[] dims, ReadOnlySpan<int> values) => Add(tensorName, dims, Int32DataType, values);

    private string Add<T>(string tensorName, long[] dims, int dataType, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
        {
            throw new ArgumentException($"initializer '{tensorName}' of shape [{string.Join(", ", dims)}] needs {count} values, got {values.Length}", nameof(dims));
        }

        Claim(tensorName);
        // raw_data holds the values little-endian (IEEE 754 for floats), whatever the machine's byte order.
        var data = MemoryMarshal.AsBytes(values).ToArray();
        var size = data.Length / Math.Max(values.Length, 1);
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < values.Length; i++) data.AsSpan(i * size, size).Reverse();
        }

        _initializers.Add((tensorName, dims, dataType, data));
        return tensorName;
    }

    /// <summary>Adds a node computing <paramref name="output"/> from <paramref name="inputs"/>; returns <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">An input is not yet defined, or the output's name is taken.</exception>
    public string AddNode(string opType, string[] inputs, string output, params OnnxAttribute[] attributes)
    {
        foreach (var input in inputs.Where(i => !_names.Contains(i)))
        {
            throw new ArgumentException($"{opType} node '{output}' reads '{input}', which no initializer, input or earlier node defines", nameof(inputs));
        }

        Claim(output);
        _nodes.Add((opType, inputs, output, attributes));
        return output;
    }

    /// <summary>Declares the graph's float32 input; returns its name.</summary>
    public string SetInput(string inputName, long[] dims)
    {
        if (_input is not null) throw new InvalidOperationException($"the graph already has the input '{_input.Value.Name}'");
        Claim(inputName);
        _input = (inputName, dims);
        return inputName;
    }

    /// <summary>Declares which value is the graph's float32 output, and its shape.</summary>
    /// <exception cref="ArgumentException">No node computes <paramref name="outputName"/>.</exception>
    public void SetOutput(string outputName, long[] dims)
    {
        if (!_nodes.Any(n => n.Output == outputName)) throw new ArgumentException($"no node computes the output '{outputName}'", nameof(outputName));
        _output = (outputName, dims);
    }

    /// <summary>Writes the whole model: header, opset 13, and the graph.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="producer">The <c>producer_name</c>.</param>
    /// <param name="docString">What the model is, for people.</param>
    /// <exception cref="InvalidOperationException">The input or output was not declared.</exception>
    public void WriteModel(Stream output, string producer, string docString)
    {
        var input = _input ?? throw new InvalidOperationException($"graph '{name}' has no input");
        var result = _output ?? throw new InvalidOperationException($"graph '{name}' has no output");
        // ModelProto: ir_version = 1, producer_name = 2, doc_string = 6, graph = 7, opset_import = 8.
        var model = new ProtoWriter();
        model.WriteInt64(1, IrVersion);
        model.WriteString(2, producer);
        model.WriteString(6, docString);
        model.WriteMessage(7, graph => WriteGraph(graph, input, result));
        // OperatorSetIdProto: domain = 1 (empty: the default ai.onnx set), version = 2.
        model.WriteMessage(8, opset =>
        {
            opset.WriteString(1, "");
            opset.WriteInt64(2, Opset);
        });
        model.CopyTo(output);
    }

    private void WriteGraph(ProtoWriter graph, (string Name, long[] Dims) input, (string Name, long[] Dims) output)
    {
        // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
        foreach (var node in _nodes) graph.WriteMessage(1, n => WriteNode(n, node));
        graph.WriteString(2, name);
        foreach (var initializer in _initializers) graph.WriteMessage(5, t => WriteTensor(t, initializer));
        graph.WriteMessage(11, v => WriteValueInfo(v, input));
        graph.WriteMessage(12, v => WriteValueInfo(v, output));
    }

    private static void WriteNode(ProtoWriter node, (string OpType, string[] Inputs, string Output, OnnxAttribute[] Attributes) spec)
    {
        // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. The node is named after its output.
        foreach (var input in spec.Inputs) node.WriteString(1, input);
        node.WriteString(2, spec.Output);
        node.WriteString(3, spec.Output);
        node.WriteString(4, spec.OpType);
        foreach (var attribute in spec.Attributes) node.WriteMessage(5, attribute.WriteTo);
    }

    private static void WriteTensor(ProtoWriter tensor, (string Name, long[] Dims, int DataType, byte[] Data) initializer)
    {
        // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
        foreach (var dim in initializer.Dims) tensor.WriteInt64(1, dim);
        tensor.WriteInt64(2, initializer.DataType);
        tensor.WriteString(8, initializer.Name);
        tensor.WriteBytes(9, initializer.Data);
    }

    private static void WriteValueInfo(ProtoWriter valueInfo, (string Name, long[] Dims) value)
    {
        // ValueInfoProto: name = 1, type = 2 → TypeProto: tensor_type = 1 → TypeProto.Tensor: elem_type = 1, shape = 2
        // → TensorShapeProto: dim = 1 → Dimension: dim_value = 1 or dim_param = 2 (the batch).
        valueInfo.WriteString(1, value.Name);
        valueInfo.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, FloatDataType);
            tensor.WriteMessage(2, shape =>
            {
                foreach (var dim in value.Dims)
                {
                    shape.WriteMessage(1, d =>
                    {
                        if (dim == BatchDimension) d.WriteString(2, BatchName);
                        else d.WriteInt64(1, dim);
                    });
                }
            });
        }));
    }

    private void Claim(string valueName)
    {
        ArgumentException.ThrowIfNullOrEmpty(valueName);
        if (!_names.Add(valueName)) throw new ArgumentException($"the graph already has a value named '{valueName}'", nameof(valueName));
    }
}
