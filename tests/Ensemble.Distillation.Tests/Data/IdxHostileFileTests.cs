using System.Diagnostics;
using Ensemble.Distillation.Data;
using Ensemble.Fuzzing;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>
/// IDX files built to hurt the reader: headers that claim more than the file holds are refused before anything that
/// size is allocated, and seeded mutations of valid files end in an array or a named <see cref="InvalidDataException"/>.
/// </summary>
public sealed class IdxHostileFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <inheritdoc/>
    public void Dispose() => _dir.Dispose();

    /// <summary>A 16-byte raw file claiming 2 GB of images is refused by the sizes, without allocating them.</summary>
    [Fact]
    public void Read_RawHeaderClaimingMoreThanTheFile_IsRefusedWithoutAllocatingIt()
    {
        string path = _dir.File("claims-2gb");
        File.WriteAllBytes(path, IdxTestFiles.Encode([2_000_000, 1000, 1], []));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 3));

        Assert.Equal($"{path}: truncated: header says 2000000x1000x1 = 2000000000 bytes of data, file has 0", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the claimed size was allocated");
    }

    /// <summary>A gzip file claiming 2 GB but holding a few bytes is refused after allocating only about what it held.</summary>
    [Fact]
    public void Read_GzipHeaderClaimingMoreThanTheStream_AllocatesOnlyWhatArrives()
    {
        string path = _dir.File("claims-2gb.gz");
        File.WriteAllBytes(path, IdxTestFiles.Gzip(IdxTestFiles.Encode([2_000_000, 1000, 1], IdxTestFiles.Bytes(100, seed: 3))));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, 3));

        Assert.Equal($"{path}: truncated: header says 2000000x1000x1 = 2000000000 bytes of data, file has 100", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the claimed size was allocated");
    }

    /// <summary>A gzip file larger than the first chunk still reads back whole (the buffer grows as it arrives).</summary>
    [Fact]
    public void Read_GzipLargerThanOneChunk_RoundTrips()
    {
        byte[] data = IdxTestFiles.Bytes(3 * 1024 * 1024, seed: 5);
        string path = IdxTestFiles.Write(_dir.File("big.gz"), [3, 1024, 1024], data, gzip: true);

        Assert.Equal(data, IdxFile.Read(path, 3).Data);
    }

    /// <summary>Seeded mutations of valid raw and gzip IDX files: an array, or an InvalidDataException naming the file.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_MutatedIdxFiles_GiveAnArrayOrANamedError(bool gzip)
    {
        byte[] valid = IdxTestFiles.Encode([6, 5, 4], IdxTestFiles.Bytes(6 * 5 * 4, seed: 9));
        var mutator = new InputMutator(InputMutator.NoTokens);
        string path = _dir.File(gzip ? "fuzz.gz" : "fuzz");
        var clock = Stopwatch.StartNew();
        int tried = 0;
        for (int i = 0; i < 1_500 && clock.Elapsed < TimeSpan.FromSeconds(3); i++, tried++)
        {
            byte[] mutated = mutator.Mutate(valid, seed: 12, i);
            File.WriteAllBytes(path, gzip ? IdxTestFiles.Gzip(mutated) : mutated);
            try
            {
                var array = IdxFile.Read(path);
                Assert.Equal(array.Dimensions.Aggregate(1L, (n, d) => n * d), array.Data.Length);
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
            }
            catch (Exception e)
            {
                Assert.Fail($"case 12/{i} (gzip {gzip}) threw {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(tried >= 100, $"only {tried} cases ran in the budget");
    }
}
