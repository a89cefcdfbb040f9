namespace Ensemble.Deploy.Tests.Docker;

/// <summary>The one package list, and how scripts/install-debian-packages.sh selects from it by tag.</summary>
public sealed class PackageListTests
{
    private static readonly string List = RepositoryPaths.File(PackageScript.ListPath);

    [Fact]
    public void EveryListedPackage_CarriesOnlyKnownTags()
    {
        string[] known = ["build", "data"];
        foreach (var line in File.ReadAllLines(List).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(fields.Skip(1), tag => Assert.True(known.Contains(tag), $"{PackageScript.ListPath}: '{fields[0]}' has unknown tag '{tag}' (known: {string.Join(", ", known)})"));
        }
    }

    [Fact]
    public void Selection_ByTag()
    {
        // The real list: no libtorch (it comes from NuGet), no build tools (nothing native is built).
        Assert.Equal(["dataset-fashion-mnist", "ca-certificates"], PackageScript.Select([List]));
        Assert.Equal(["dataset-fashion-mnist", "ca-certificates"], PackageScript.Select(["--without", "build", List]));
        Assert.Equal(["ca-certificates"], PackageScript.Select(["--without", "data", List]));
        Assert.Equal(["dataset-fashion-mnist"], PackageScript.Select(["--only", "data", List]));
        Assert.Equal(["python3-opencv", "prometheus", "kubectl"], PackageScript.Select([RepositoryPaths.File("scripts", "debian-packages-test.txt")]));
    }

    [Fact]
    public void Selection_CombinesOnlyAndWithout_OverEveryTag()
    {
        using var directory = new TempDirectory("ensemble-packages-");
        var list = Path.Combine(directory.Path, "packages.txt");
        File.WriteAllText(list, "# a comment\nplain\ntool build  # trailing comment\nset data\nheaders build data\n");

        Assert.Equal(["plain", "tool", "set", "headers"], PackageScript.Select([list]));
        Assert.Equal(["plain", "set"], PackageScript.Select(["--without", "build", list]));
        Assert.Equal(["plain"], PackageScript.Select(["--without", "build", "--without", "data", list]));
        Assert.Equal(["tool", "headers"], PackageScript.Select(["--only", "build", list]));
        // --only twice: both tags.
        Assert.Equal(["headers"], PackageScript.Select(["--only", "build", "--only", "data", list]));
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
