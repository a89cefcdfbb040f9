using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>Tests for <see cref="IdxFile"/>.</summary>
public sealed class IdxFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <inheritdoc/>
    public void Dispose() => _dir.Dispose();

    /// <summary>A file written raw or gzipped reads back with the same dimensions and bytes.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_WrittenFile_RoundTripsDimensionsAndData(bool gzip)
    {
        byte[] data = IdxTestFiles.Bytes(5 * 4 * 3, seed: 7);
        // No .gz extension even when compressed: detection must look at the content.
        string path = IdxTestFiles.Write(_dir.File("images.idx"), [5, 4, 3], data, gzip);

        IdxArray array = IdxFile.Read(path, 3);

        Assert.Equal([5, 4, 3], array.Dimensions);
        Assert.Equal(5, array.Count);
        Assert.Equal(data, array.Data);
        Assert.Equal("5x4x3", array.ToString());
    }

    /// <summary>A one-dimensional file reads back when any dimension count is accepted.</summary>
    [Fact]
    public void Read_OneDimensionalFileWithNoExpectedRank_ReadsLabels()
    {
        string path = IdxTestFiles.Write(_dir.File("labels"), [4], [3, 1, 4, 1], gzip: false);

        IdxArray array = IdxFile.Read(path);

        Assert.Equal([4], array.Dimensions);
        Assert.Equal(new byte[] { 3, 1, 4, 1 }, array.Data);
    }

    /// <summary>A file whose data stops early reports the expected and actual data sizes.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TruncatedFile_NamesFileAndByteCounts(bool gzip)
    {
        byte[] full = IdxTestFiles.Encode([60000, 28, 28], IdxTestFiles.Bytes(1200, seed: 1));
        string path = _dir.File("train-images-idx3-ubyte" + (gzip ? ".gz" : ""));
        File.WriteAllBytes(path, gzip ? IdxTestFiles.Gzip(full) : full);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 3));

        Assert.Equal($"{path}: truncated: header says 60000x28x28 = 47040000 bytes of data, file has 1200", e.Message);
    }

    /// <summary>A file too short for its header says so.</summary>
    [Fact]
    public void Read_FileShorterThanHeader_ReportsTruncatedHeader()
    {
        string path = _dir.File("short");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 10, 0, 0]);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 3));

        Assert.StartsWith($"{path}: truncated:", e.Message);
        Assert.Contains("12 bytes of sizes, file has 6", e.Message);
    }

    /// <summary>Bytes after the declared data are an error, reported with their count.</summary>
    [Fact]
    public void Read_TrailingBytes_ReportsTheirCount()
    {
        byte[] bytes = [.. IdxTestFiles.Encode([3], [1, 2, 3]), 9, 9];
        string path = _dir.File("labels");
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 1));

        Assert.StartsWith($"{path}: 2 unexpected trailing byte(s) after the 3 bytes of data", e.Message);
    }

    /// <summary>A file that is not IDX at all reports its magic number and the ones expected.</summary>
    [Fact]
    public void Read_WrongMagic_NamesFileAndExpectedMagic()
    {
        string path = _dir.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, new byte[16]);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 1, 3));

        Assert.Equal(
            $"{path}: bad magic number 0x00000000, expected 0x00000801 or 0x00000803 (IDX unsigned byte, 1 or 3 dimensions)",
            e.Message);
    }

    /// <summary>A valid IDX header with the wrong number of dimensions is rejected.</summary>
    [Fact]
    public void Read_WrongDimensionCount_ReportsBadMagic()
    {
        string path = IdxTestFiles.Write(_dir.File("labels"), [4], [0, 1, 2, 3], gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 3));

        Assert.Equal($"{path}: bad magic number 0x00000801, expected 0x00000803 (IDX unsigned byte, 3 dimensions)", e.Message);
    }

    /// <summary>An IDX file of floats is rejected with the type named.</summary>
    [Fact]
    public void Read_Float32Type_ReportsUnsupportedType()
    {
        string path = _dir.File("floats");
        File.WriteAllBytes(path, IdxTestFiles.Encode([2], new byte[8], type: 0x0D));

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: unsupported IDX element type 0x0D (float32); only 0x08 (unsigned byte) is supported", e.Message);
    }

    /// <summary>A file with the gzip magic but corrupt content reports a bad gzip stream.</summary>
    [Fact]
    public void Read_CorruptGzip_ReportsInvalidGzipStream()
    {
        string path = _dir.File("labels.gz");
        byte[] bytes = IdxTestFiles.Bytes(64, seed: 3);
        bytes[0] = 0x1f;
        bytes[1] = 0x8b;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}: not a valid gzip stream", e.Message);
    }

    /// <summary>A gzip file cut short mid-stream is reported as invalid data naming the file.</summary>
    [Fact]
    public void Read_GzipStreamCutShort_ThrowsInvalidDataNamingFile()
    {
        byte[] gzip = IdxTestFiles.Gzip(IdxTestFiles.Encode([4000], IdxTestFiles.Bytes(4000, seed: 2)));
        string path = _dir.File("labels.gz");
        File.WriteAllBytes(path, gzip[..(gzip.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 1));

        // The runtime reports either an early end of data or a corrupt stream; both must name the file.
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.True(
            e.Message.Contains("truncated: header says 4000 = 4000 bytes of data, file has ") || e.Message.Contains("not a valid gzip stream"),
            e.Message);
    }

    /// <summary>A missing file throws <see cref="FileNotFoundException"/> naming it.</summary>
    [Fact]
    public void Read_MissingFile_NamesPath()
    {
        string path = _dir.File("nope.gz");

        var e = Assert.Throws<FileNotFoundException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }
}
