using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>Tests for <see cref="DatasetCatalog"/> on small directories written by the tests.</summary>
public sealed class DatasetCatalogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <inheritdoc/>
    public void Dispose() => _dir.Dispose();

    /// <summary>A directory of raw and gzipped files (mixed) loads both parts with shared classes.</summary>
    [Fact]
    public void Load_DirectoryWithMixedRawAndGzipFiles_LoadsTrainAndTest()
    {
        IdxTestFiles.WritePair(_dir, "train", [0, 1, 2, 1], height: 2, width: 3, gzip: true);
        IdxTestFiles.WritePair(_dir, "t10k", [1, 0], height: 2, width: 3, gzip: false);

        var (train, test) = DatasetCatalog.Load(_dir.Path);

        string name = Path.GetFileName(_dir.Path);
        Assert.Equal($"{name}/train", train.Name);
        Assert.Equal($"{name}/test", test.Name);
        Assert.Equal(4, train.Count);
        Assert.Equal(2, test.Count);
        Assert.Equal([1, 2, 3], test.ExampleShape);
        // The test part has no class 2 but still gets the training part's three classes.
        Assert.Equal(3, train.ClassCount);
        Assert.Equal(3, test.ClassCount);
        Assert.Equal([1, 0], test.Labels);
    }

    /// <summary>When both forms exist the gzip file is the one read.</summary>
    [Fact]
    public void Load_BothGzipAndRawPresent_PrefersGzip()
    {
        IdxTestFiles.WritePair(_dir, "train", [0, 1], height: 1, width: 1, gzip: true);
        IdxTestFiles.WritePair(_dir, "t10k", [1], height: 1, width: 1, gzip: true);
        File.WriteAllBytes(_dir.File("train-labels-idx1-ubyte"), [1, 2, 3]); // garbage that must be ignored

        var (train, _) = DatasetCatalog.Load(_dir.Path);

        Assert.Equal([0, 1], train.Labels);
    }

    /// <summary>A missing file is named with the name looked for.</summary>
    [Fact]
    public void Load_MissingLabelsFile_NamesFileLookedFor()
    {
        IdxTestFiles.WritePair(_dir, "train", [0, 1], height: 1, width: 1, gzip: true);
        IdxTestFiles.WritePair(_dir, "t10k", [1], height: 1, width: 1, gzip: true);
        File.Delete(_dir.File("t10k-labels-idx1-ubyte.gz"));

        var e = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Load(_dir.Path));

        Assert.Equal(_dir.File("t10k-labels-idx1-ubyte.gz"), e.FileName);
        Assert.Equal($"{_dir.Path}: missing t10k-labels-idx1-ubyte.gz (or raw t10k-labels-idx1-ubyte)", e.Message);
    }

    /// <summary>A directory that does not exist is named in the message.</summary>
    [Fact]
    public void Load_MissingDirectory_NamesDirectory()
    {
        string missing = _dir.File("absent");

        var e = Assert.Throws<DirectoryNotFoundException>(() => DatasetCatalog.Load(missing));

        Assert.StartsWith($"dataset directory {missing} not found", e.Message);
    }

    /// <summary>Fashion-MNIST missing from its directory says which package to install.</summary>
    [Fact]
    public void Load_FashionMnistDirectoryMissing_SuggestsDebianPackage()
    {
        string missing = _dir.File("fmnist");

        var e = Assert.Throws<DirectoryNotFoundException>(() => DatasetCatalog.Load("fashion-mnist", null, missing));

        Assert.Contains($"Fashion-MNIST directory {missing} not found (from ENSEMBLE_FASHION_MNIST_DIR)", e.Message);
        Assert.Contains("install the Debian package dataset-fashion-mnist", e.Message);
    }

    /// <summary>The name resolves to the environment override if set, else the Debian location.</summary>
    [Fact]
    public void ResolveDirectory_FashionMnist_UsesOverrideThenDefault()
    {
        Assert.Equal("/usr/share/datasets/fashion-mnist", DatasetCatalog.ResolveDirectory("fashion-mnist", null));
        Assert.Equal("/usr/share/datasets/fashion-mnist", DatasetCatalog.ResolveDirectory("Fashion-MNIST", ""));
        Assert.Equal("/data/fm", DatasetCatalog.ResolveDirectory("fashion-mnist", "/data/fm"));
        Assert.Equal("/data/other", DatasetCatalog.ResolveDirectory("/data/other", "/data/fm"));
    }

    /// <summary>Fashion-MNIST loaded from an overriding directory gets its class names.</summary>
    [Fact]
    public void Load_FashionMnistFromOverride_UsesFashionMnistClassNames()
    {
        IdxTestFiles.WritePair(_dir, "train", [9, 0], height: 1, width: 1, gzip: false);
        IdxTestFiles.WritePair(_dir, "t10k", [5], height: 1, width: 1, gzip: false);

        var (train, test) = DatasetCatalog.Load("fashion-mnist", null, _dir.Path);

        Assert.Equal("fashion-mnist/train", train.Name);
        Assert.Equal(10, test.ClassCount);
        Assert.Equal("Ankle boot", train.ClassNames[train.Labels[0]]);
        Assert.Equal("Sandal", test.ClassNames[test.Labels[0]]);
    }
}
