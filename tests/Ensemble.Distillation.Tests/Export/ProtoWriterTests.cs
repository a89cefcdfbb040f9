using Ensemble.Distillation.Export;

namespace Ensemble.Distillation.Tests.Export;

/// <summary>The protobuf encoding checked byte for byte against values worked out by hand from the encoding guide.</summary>
public sealed class ProtoWriterTests
{
    private static byte[] Encode(Action<ProtoWriter> write)
    {
        var writer = new ProtoWriter();
        write(writer);
        return writer.ToArray();
    }

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    // 128 = 0b1_0000000: low group 0000000 with the continuation bit (0x80), then 1.
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    // 300 = 0b10_0101100: low group 0101100 = 0x2C | 0x80 = 0xAC, then 0b10 = 0x02.
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    // 2^64 − 1: nine groups of seven ones, then the last bit.
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varint_IsSevenBitGroupsLeastSignificantFirst(ulong value, byte[] expected) =>
        Assert.Equal(expected, Encode(w => w.WriteVarint(value)));

    [Fact]
    public void Int64Field_IsTagThenVarint()
    {
        // Field 1, wire type 0: tag (1 << 3) | 0 = 0x08; 150 = 0x96 0x01 (the guide's first example).
        Assert.Equal([0x08, 0x96, 0x01], Encode(w => w.WriteInt64(1, 150)));
        // −1 is 2^64 − 1 in two's complement: ten bytes.
        Assert.Equal([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], Encode(w => w.WriteInt64(1, -1)));
        // Field 20 (AttributeProto.type), wire type 0: tag 160 = 0xA0 0x01; value 7.
        Assert.Equal([0xA0, 0x01, 0x07], Encode(w => w.WriteInt64(20, 7)));
    }

    [Fact]
    public void StringField_IsLengthDelimitedUtf8()
    {
        // Field 2, wire type 2: tag (2 << 3) | 2 = 0x12; length 7; "testing".
        Assert.Equal([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67], Encode(w => w.WriteString(2, "testing")));
        // "é" is two UTF-8 bytes, C3 A9; the length counts bytes.
        Assert.Equal([0x0A, 0x02, 0xC3, 0xA9], Encode(w => w.WriteString(1, "é")));
    }

    [Fact]
    public void FloatField_IsFixed32LittleEndian()
    {
        // Field 2, wire type 5: tag (2 << 3) | 5 = 0x15; 1.0f = 0x3F800000, little-endian.
        Assert.Equal([0x15, 0x00, 0x00, 0x80, 0x3F], Encode(w => w.WriteFloat(2, 1.0f)));
        // 1e-5f = 0x3727C5AC.
        Assert.Equal([0x15, 0xAC, 0xC5, 0x27, 0x37], Encode(w => w.WriteFloat(2, 1e-5f)));
    }

    [Fact]
    public void NestedMessage_IsLengthDelimitedBytesOfTheInnerMessage()
    {
        // Field 3, wire type 2: tag 0x1A; the inner message 08 96 01 is 3 bytes long.
        Assert.Equal([0x1A, 0x03, 0x08, 0x96, 0x01], Encode(w => w.WriteMessage(3, m => m.WriteInt64(1, 150))));
        // An empty message is a zero length.
        Assert.Equal([0x1A, 0x00], Encode(w => w.WriteMessage(3, _ => { })));
    }

    [Fact]
    public void IntsAttribute_IsNameTypeAndOneTaggedVarintPerElement()
    {
        // name (field 1): 0A 04 "pads"; type (field 20) INTS = 7: A0 01 07; ints (field 8, tag 0x40): 1, 2.
        Assert.Equal([0x0A, 0x04, 0x70, 0x61, 0x64, 0x73, 0xA0, 0x01, 0x07, 0x40, 0x01, 0x40, 0x02],
            Encode(OnnxAttribute.Ints("pads", 1, 2).WriteTo));
        // type FLOAT = 1, f (field 2, fixed32, tag 0x15) = 1.0f.
        Assert.Equal([0x0A, 0x01, 0x65, 0xA0, 0x01, 0x01, 0x15, 0x00, 0x00, 0x80, 0x3F], Encode(OnnxAttribute.Float("e", 1.0f).WriteTo));
    }

    [Fact]
    public void FieldNumberBelowOne_IsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ProtoWriter().WriteTag(0, WireType.Varint));
        Assert.Equal("field", e.ParamName);
    }
}
