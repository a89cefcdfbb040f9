using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Ensemble.Distillation.Serialization;
using TorchSharp;
using static Ensemble.Distillation.Tests.Losses.TestTensors;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Serialization;

/// <summary>The safetensors reader and writer: round trips, the byte layout, and rejection of bad files.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathFor(string name) => Path.Combine(_directory, name);

    private static byte[] Build(string headerJson, byte[] data, ulong? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    [Fact]
    public void SaveLoad_SeveralDtypesAndMetadata_RoundTrip()
    {
        var path = PathFor("model.safetensors");
        var before = SettledLiveTensors();
        using (var scope = NewDisposeScope())
        {
            var tensors = new Dictionary<string, Tensor>
            {
                ["f32"] = tensor(new[] { 1.5f, -2, 3.25f, 0, 1e-20f, 7 }, [2, 3]),
                ["f64"] = tensor(new[] { Math.PI, -Math.E }, [2, 1]),
                ["f16"] = tensor(new[] { (Half)0.5, (Half)(-3) }, [2]),
                ["i64"] = tensor(new[] { long.MinValue, 5, long.MaxValue }, [3]),
                ["i32"] = tensor(new[] { -1, 2 }, [1, 2]),
                ["i16"] = tensor(new[] { short.MinValue, (short)9 }, [2]),
                ["i8"] = tensor(new sbyte[] { -128, 127, 0 }, [3]),
                ["u8"] = tensor(new byte[] { 0, 200, 255 }, [3]),
                ["flag"] = tensor(new[] { true, false, true }, [3]),
                ["scalar"] = tensor(4.5),
            };
            var metadata = new Dictionary<string, string> { ["format"] = "pt", ["run"] = "ünïcode ✓" };

            SafeTensors.Save(path, tensors, metadata);
        }

        using (var file = SafeTensors.Load(path))
        {
            var t = file.Tensors;
            Assert.Equal(10, t.Count);
            Assert.Equal([2L, 3L], t["f32"].shape);
            Assert.Equal([1.5f, -2, 3.25f, 0, 1e-20f, 7], t["f32"].data<float>().ToArray());
            Assert.Equal([2L, 1L], t["f64"].shape);
            Assert.Equal([Math.PI, -Math.E], t["f64"].data<double>().ToArray());
            Assert.Equal(ScalarType.Float16, t["f16"].dtype);
            Assert.Equal([(Half)0.5, (Half)(-3)], t["f16"].data<Half>().ToArray());
            Assert.Equal([long.MinValue, 5, long.MaxValue], t["i64"].data<long>().ToArray());
            Assert.Equal([1L, 2L], t["i32"].shape);
            Assert.Equal([-1, 2], t["i32"].data<int>().ToArray());
            Assert.Equal([short.MinValue, (short)9], t["i16"].data<short>().ToArray());
            Assert.Equal([(sbyte)-128, (sbyte)127, (sbyte)0], t["i8"].data<sbyte>().ToArray());
            Assert.Equal([(byte)0, (byte)200, (byte)255], t["u8"].data<byte>().ToArray());
            Assert.Equal([true, false, true], t["flag"].data<bool>().ToArray());
            Assert.Empty(t["scalar"].shape);
            Assert.Equal(ScalarType.Float64, t["scalar"].dtype);
            Assert.Equal(4.5, t["scalar"].item<double>());
            Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["run"] = "ünïcode ✓" }, file.Metadata);
            Assert.Equal(["16", "32", "64", "8"], file.WithPrefix("i").Keys.Order(StringComparer.Ordinal));
        }

        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void SaveLoad_BFloat16_RoundTrips()
    {
        var path = PathFor("bf16.safetensors");
        using var scope = NewDisposeScope();
        var original = tensor(new[] { 1, -2.5f, 0.15625f }).to(ScalarType.BFloat16);

        SafeTensors.Save(path, [new("w", original)]);
        using var file = SafeTensors.Load(path);

        Assert.Equal(ScalarType.BFloat16, file.Tensors["w"].dtype);
        Assert.Equal([1, -2.5f, 0.15625f], file.Tensors["w"].to(ScalarType.Float32).data<float>().ToArray());
    }

    [Fact]
    public void Save_TinyFile_HasTheSafetensorsByteLayout()
    {
        var path = PathFor("tiny.safetensors");
        using (var scope = NewDisposeScope())
        {
            SafeTensors.Save(path,
                [new("b", tensor(new long[] { 7, -1, 300 }, [3])), new("a", tensor(new float[] { 1, 2 }, [1, 2]))],
                new Dictionary<string, string> { ["k"] = "v" });
        }

        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var dataStart = 8 + headerLength;
        Assert.Equal(0, dataStart % 8);
        Assert.Equal(dataStart + 8 + 24, bytes.Length);
        var headerText = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{", headerText);
        var json = headerText.TrimEnd(' ');
        Assert.True(headerText.Length - json.Length < 8, "at most 7 bytes of space padding");
        using var header = JsonDocument.Parse(json);
        var root = header.RootElement;
        Assert.Equal("v", root.GetProperty("__metadata__").GetProperty("k").GetString());
        var a = root.GetProperty("a");
        Assert.Equal("F32", a.GetProperty("dtype").GetString());
        Assert.Equal([1L, 2L], a.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([0L, 8L], a.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        var b = root.GetProperty("b");
        Assert.Equal("I64", b.GetProperty("dtype").GetString());
        Assert.Equal([3L], b.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([8L, 32L], b.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        // The data section: a's float32 little-endian values, then b's int64 values.
        var data = bytes.AsSpan((int)dataStart);
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(data));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(data[4..]));
        Assert.Equal(7L, BinaryPrimitives.ReadInt64LittleEndian(data[8..]));
        Assert.Equal(-1L, BinaryPrimitives.ReadInt64LittleEndian(data[16..]));
        Assert.Equal(300L, BinaryPrimitives.ReadInt64LittleEndian(data[24..]));
    }

    [Fact]
    public void Load_HandWrittenFile_ReadsTensorsAtTheirOffsets()
    {
        var path = PathFor("hand.safetensors");
        var data = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, 42);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -0.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(8), 8f);
        File.WriteAllBytes(path, Build(
            """{"y":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]},"x":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}""", data));

        using var file = SafeTensors.Load(path);

        Assert.Equal(ScalarType.Int32, file.Tensors["x"].dtype);
        Assert.Equal(42, file.Tensors["x"].item<int>());
        Assert.Equal([2L, 1L], file.Tensors["y"].shape);
        Assert.Equal([-0.5f, 8f], file.Tensors["y"].data<float>().ToArray());
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsInvalidDataExceptionNamingThePath()
    {
        var path = PathFor("truncated.safetensors");
        using (NewDisposeScope())
        {
            SafeTensors.Save(path, [new("w", zeros(4, 4))]);
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void Load_FileShorterThanTheLengthField_ThrowsInvalidDataException()
    {
        var path = PathFor("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_HeaderLengthBeyondTheFile_ThrowsInvalidDataException()
    {
        var path = PathFor("long-header.safetensors");
        File.WriteAllBytes(path, Build("{}", [], declaredLength: 1000));

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("1000", e.Message);
    }

    [Fact]
    public void Load_HugeHeaderLength_ThrowsInvalidDataException()
    {
        var path = PathFor("huge-header.safetensors");
        File.WriteAllBytes(path, Build("{}", [], declaredLength: ulong.MaxValue));

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_UnknownDtype_ThrowsInvalidDataExceptionAndFreesTensorsAlreadyRead()
    {
        var path = PathFor("bad-dtype.safetensors");
        File.WriteAllBytes(path, Build(
            """{"good":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"bad":{"dtype":"Q7","shape":[1],"data_offsets":[4,5]}}""",
            new byte[5]));
        var before = SettledLiveTensors();

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("Q7", e.Message);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,16]}}""")]
    [InlineData("""{"w":{"dtype":"F32","data_offsets":[0,4]}}""")]
    [InlineData("""{"w":{"shape":[1],"data_offsets":[0,4]}}""")]
    [InlineData("""{"w":3}""")]
    public void Load_InconsistentHeader_ThrowsInvalidDataExceptionNamingThePath(string header) => AssertRejected(header);

    // JSON of the wrong kind where the format wants a string, a number or an object: each is still
    // "not a valid safetensors file" and must not escape as InvalidOperationException or a libtorch error.
    [Theory]
    [InlineData("""{"w":{"dtype":5,"shape":[1],"data_offsets":[0,4]}}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":["one"],"data_offsets":[0,4]}}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-1,-1],"data_offsets":[0,4]}}""")]
    [InlineData("""{"__metadata__":{"epoch":3}}""")]
    [InlineData("""[1, 2]""")]
    public void Load_HeaderWithWrongJsonKinds_ThrowsInvalidDataExceptionNamingThePath(string header) => AssertRejected(header);

    private void AssertRejected(string header)
    {
        var path = PathFor("malformed.safetensors");
        File.WriteAllBytes(path, Build(header, new byte[8]));
        var before = SettledLiveTensors();

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));

        Assert.StartsWith($"{path}: not a valid safetensors file: ", e.Message);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void Save_LeavesNoTemporaryFileAndOverwritesAtomically()
    {
        var path = PathFor("weights.safetensors");
        using (NewDisposeScope())
        {
            SafeTensors.Save(path, [new("w", ones(3))]);
            SafeTensors.Save(path, [new("w", full(2, 9f, ScalarType.Float32))]);
        }

        Assert.Equal([path], Directory.GetFiles(_directory));
        using var file = SafeTensors.Load(path);
        Assert.Equal([9f, 9f], file.Tensors["w"].data<float>().ToArray());
    }

    [Fact]
    public void Save_IntoMissingDirectory_CreatesIt()
    {
        var path = Path.Combine(_directory, "nested", "deeper", "w.safetensors");
        using (NewDisposeScope())
        {
            SafeTensors.Save(path, [new("w", ones(1))]);
        }

        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
