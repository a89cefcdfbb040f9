using System.Buffers.Binary;
using System.Text;

namespace Ensemble.Distillation.Export;

/// <summary>
/// Encodes one protobuf message, field by field, in the wire format of the protobuf encoding guide
/// (https://protobuf.dev/programming-guides/encoding/): each field is a tag <c>(field number &lt;&lt; 3) | wire type</c>
/// as a varint, then its value. Enough for ONNX: varints, length-delimited fields (strings, bytes, nested
/// messages) and fixed32 floats. Repeated fields are written one element per tag (proto2's unpacked form,
/// which every parser accepts).
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    /// <summary>The number of bytes written so far.</summary>
    public long Length => _buffer.Length;

    /// <summary>A base-128 varint: seven bits per byte, least significant group first, high bit set on all but the last byte.</summary>
    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
    }

    /// <summary>A field's tag: <c>(field &lt;&lt; 3) | wireType</c> as a varint.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="field"/> is below 1.</exception>
    public void WriteTag(int field, WireType wireType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(field, 1);
        WriteVarint(((ulong)field << 3) | (uint)wireType);
    }

    /// <summary>An int64 (or int32, or enum) field; negative values take ten bytes (two's complement), as protobuf does.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A float field: fixed32, IEEE 754 little-endian.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        Span<byte> bytes = stackalloc byte[sizeof(float)];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>A bytes field: length as a varint, then the bytes.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>A string field: its UTF-8 bytes, length-delimited.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A nested message field: <paramref name="write"/> fills the message, which is then written length-delimited.</summary>
    public void WriteMessage(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        WriteBytes(field, inner._buffer.GetBuffer().AsSpan(0, (int)inner._buffer.Length));
    }

    /// <summary>The encoded message.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>Copies the encoded message to <paramref name="output"/>.</summary>
    public void CopyTo(Stream output) => output.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
}
