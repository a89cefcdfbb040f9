namespace Ensemble.Distillation.Export;

/// <summary>
/// One attribute of an ONNX node (<c>AttributeProto</c>): an int, a float or a list of ints, which is all the
/// layers we export need (kernel shapes, pads, strides, <c>transB</c>, <c>axis</c>, <c>epsilon</c>).
/// </summary>
internal sealed class OnnxAttribute
{
    // AttributeProto fields (onnx.proto): name = 1, f = 2, i = 3, ints = 8, type = 20.
    private const int NameField = 1;
    private const int FloatField = 2;
    private const int IntField = 3;
    private const int IntsField = 8;
    private const int TypeField = 20;

    // AttributeProto.AttributeType values.
    private const int FloatType = 1;
    private const int IntType = 2;
    private const int IntsType = 7;

    private readonly int _type;
    private readonly float _float;
    private readonly long[] _ints;

    private OnnxAttribute(string name, int type, float value, long[] ints)
    {
        Name = name;
        _type = type;
        _float = value;
        _ints = ints;
    }

    /// <summary>The attribute's name, e.g. <c>kernel_shape</c>.</summary>
    public string Name { get; }

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, IntType, 0, [value]);

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, FloatType, value, []);

    /// <summary>A list-of-integers attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, IntsType, 0, values);

    /// <summary>Writes the <c>AttributeProto</c> fields.</summary>
    public void WriteTo(ProtoWriter message)
    {
        message.WriteString(NameField, Name);
        message.WriteInt64(TypeField, _type);
        switch (_type)
        {
            case FloatType:
                message.WriteFloat(FloatField, _float);
                break;
            case IntType:
                message.WriteInt64(IntField, _ints[0]);
                break;
            default:
                foreach (var value in _ints) message.WriteInt64(IntsField, value);
                break;
        }
    }
}
