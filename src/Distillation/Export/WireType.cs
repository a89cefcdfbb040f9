namespace Ensemble.Distillation.Export;

/// <summary>
/// How a protobuf field's value is laid out after its tag (protobuf encoding guide, "Message Structure").
/// Only the three ONNX needs are listed.
/// </summary>
internal enum WireType
{
    /// <summary>A base-128 varint: int32, int64, enums.</summary>
    Varint = 0,
    /// <summary>A varint byte count, then that many bytes: strings, bytes, nested messages.</summary>
    LengthDelimited = 2,
    /// <summary>Four little-endian bytes: float.</summary>
    Fixed32 = 5,
}
