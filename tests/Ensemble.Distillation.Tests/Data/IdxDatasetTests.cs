using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>Tests for <see cref="IdxDataset"/>.</summary>
public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <inheritdoc/>
    public void Dispose() => _dir.Dispose();

    /// <summary>Pixels become (p/255 − mean)/std, the shape is [1, H, W] and the class count is max label + 1.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_ImagePair_NormalizesPixelsAndCountsClasses(bool gzip)
    {
        byte[] labels = [2, 0, 4, 4, 1];
        var (images, labelPath) = IdxTestFiles.WritePair(_dir, "train", labels, height: 3, width: 2, gzip, seed: 11);
        byte[] pixels = IdxFile.Read(images).Data;

        Dataset dataset = IdxDataset.Load(images, labelPath, "tiny", normalization: (0.5f, 0.25f));

        Assert.Equal("tiny", dataset.Name);
        Assert.Equal(5, dataset.Count);
        Assert.Equal([1, 3, 2], dataset.ExampleShape);
        Assert.Equal(6, dataset.FeatureCount);
        Assert.Equal([2, 0, 4, 4, 1], dataset.Labels);
        Assert.Equal(5, dataset.ClassCount);
        Assert.Equal(["0", "1", "2", "3", "4"], dataset.ClassNames);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.Equal((pixels[i] / 255f - 0.5f) / 0.25f, dataset.Features[i], 5);
        }
    }

    /// <summary>Without a normalization the Fashion-MNIST constants apply: pixel 0 maps to −0.2860/0.3530.</summary>
    [Fact]
    public void Load_DefaultNormalization_UsesFashionMnistConstants()
    {
        var (images, labels) = IdxTestFiles.WritePair(_dir, "t", [0, 1], height: 1, width: 2, gzip: false);
        File.WriteAllBytes(images, IdxTestFiles.Encode([2, 1, 2], [0, 255, 51, 0]));

        Dataset dataset = IdxDataset.Load(images, labels, "t");

        Assert.Equal(-0.2860f / 0.3530f, dataset.Features[0], 5);
        Assert.Equal((1f - 0.2860f) / 0.3530f, dataset.Features[1], 5);
        Assert.Equal((0.2f - 0.2860f) / 0.3530f, dataset.Features[2], 5);
    }

    /// <summary>Given class names fix the class count even when the largest class has no example.</summary>
    [Fact]
    public void Load_WithClassNames_UsesTheirCount()
    {
        var (images, labels) = IdxTestFiles.WritePair(_dir, "t", [0, 1, 0], height: 2, width: 2, gzip: true);

        Dataset dataset = IdxDataset.Load(images, labels, "t", ["a", "b", "c"]);

        Assert.Equal(3, dataset.ClassCount);
        Assert.Equal(["a", "b", "c"], dataset.ClassNames);
        Assert.Equal([2, 1, 0], dataset.CountPerClass());
    }

    /// <summary>A label beyond the given class names is reported with the labels file.</summary>
    [Fact]
    public void Load_LabelWithoutClassName_NamesLabelsFile()
    {
        var (images, labels) = IdxTestFiles.WritePair(_dir, "t", [0, 3, 1], height: 2, width: 2, gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(images, labels, "t", ["a", "b"]));

        Assert.Equal($"{labels}: label 3 at index 1 has no class name (only 2 given)", e.Message);
    }

    /// <summary>Different image and label counts are reported with both files and both counts.</summary>
    [Fact]
    public void Load_ImageAndLabelCountsDiffer_NamesBothFilesAndCounts()
    {
        string images = IdxTestFiles.Write(_dir.File("t10k-images-idx3-ubyte.gz"), [4, 2, 2], new byte[16], gzip: true);
        string labels = IdxTestFiles.Write(_dir.File("t10k-labels-idx1-ubyte.gz"), [3], [0, 1, 2], gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(images, labels, "t"));

        Assert.Equal($"{images} has 4 images but {labels} has 3 labels", e.Message);
    }

    /// <summary>Images and labels swapped are caught by their dimension counts.</summary>
    [Fact]
    public void Load_FilesSwapped_ReportsBadMagicForImages()
    {
        var (images, labels) = IdxTestFiles.WritePair(_dir, "t", [0, 1], height: 2, width: 2, gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(labels, images, "t"));

        Assert.Equal(
            $"{labels}: bad magic number 0x00000801, expected 0x00000803 (IDX unsigned byte, 3 dimensions)", e.Message);
    }

    /// <summary>A non-positive standard deviation is rejected before any file is read.</summary>
    [Fact]
    public void Load_ZeroStd_ThrowsNamingNormalization()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => IdxDataset.Load(_dir.File("a"), _dir.File("b"), "t", normalization: (0f, 0f)));

        Assert.Equal("normalization", e.ParamName);
    }
}
