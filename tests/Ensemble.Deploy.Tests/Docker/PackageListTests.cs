namespace Ensemble.Deploy.Tests.Docker;

/// <summary>The one package list, and how scripts/install-debian-packages.sh selects from it by tag.</summary>
public sealed class PackageListTests
{
    private static readonly string List = RepositoryPaths.File(PackageScript.ListPath);

    [Fact]
    public void EveryListedPackage_CarriesOnlyKnownTags()
    {
        string[] known = ["build", "torch", "data"];
        foreach (var line in File.ReadAllLines(List).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(fields.Skip(1), tag => Assert.True(known.Contains(tag), $"{PackageScript.ListPath}: '{fields[0]}' has unknown tag '{tag}' (known: {string.Join(", ", known)})"));
        }
    }

    [Fact]
    public void Selection_ByTag()
    {
        Assert.Equal(["libtorch1.13", "libtorch-dev", "libopenblas0-openmp", "dataset-fashion-mnist", "ca-certificates", "cmake", "g++", "make", "zlib1g-dev"],
            PackageScript.Select([List]));
        Assert.Equal(["libtorch1.13", "libopenblas0-openmp", "dataset-fashion-mnist", "ca-certificates"], PackageScript.Select(["--without", "build", List]));
        Assert.Equal(["ca-certificates", "cmake", "g++", "make", "zlib1g-dev"], PackageScript.Select(["--without", "torch", "--without", "data", List]));
        // --only twice: both tags.
        Assert.Equal(["libtorch-dev"], PackageScript.Select(["--only", "build", "--only", "torch", List]));
        Assert.Equal(["python3-opencv", "prometheus", "kubectl"], PackageScript.Select([RepositoryPaths.File("scripts", "debian-packages-test.txt")]));
    }

    [Fact]
    public void UnknownOption_OrMissingList_IsRefusedWithItsName()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PackageScript.Select(["--with", "build", List]));
        Assert.Contains("unknown option --with", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<InvalidOperationException>(() => PackageScript.Select(["no-such-list.txt"]));
        Assert.Contains("package list no-such-list.txt not found", error.Message, StringComparison.Ordinal);
    }
}
