namespace Ensemble.Client.Tests;

/// <summary>
/// <c>ensemble run</c> and <c>ensemble submit</c> on spec files built to hurt the CLI: exit 2 with the problem, its
/// position and the limit on stderr, and no store or output directory created.
/// </summary>
public sealed class HostileSpecFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-hostile-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Home => Path.Combine(_directory, "home");

    private string Output => Path.Combine(_directory, "out");

    /// <summary>The hostile files and what stderr must say about each.</summary>
    public static TheoryData<string, string, string> HostileFiles => new()
    {
        // This one crashed `ensemble run` with exit 134 (a stack overflow in YamlNodeReader.Convert).
        { "deep.yaml", string.Concat(Enumerable.Repeat("- ", 50_000)) + "1\n", "deep.yaml:1:65: [0][0]" },
        { "deep.json", string.Concat(Enumerable.Repeat("[", 50_000)), "deep.json:1:33: [0][0]" },
        { "huge.yaml", "teachers:\n  count: 100000\n  training: {epochs: 1000000000}\n", "huge.yaml:2:3: teachers.count: 100000 is over the limit of 64" },
        { "alias.yaml", "a: &a [1]\nb: *a\n", "alias.yaml:1:4: a: anchors (&a) are not supported; write the value out" },
    };

    /// <summary>Each hostile file exits 2 naming the position and limit, and creates neither the store nor the output directory.</summary>
    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Run_HostileSpecFile_ExitsWithBadInput_NamingPositionAndLimit_AndCreatesNothing(string name, string text, string expected)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);

        var (code, _, stderr) = CliProcess.Run(["run", path, "--home", Home, "--out", Output]);

        Assert.Equal(2, code);
        Assert.Contains($"{Path.Combine(_directory, expected)}", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Home), "the store was created");
        Assert.False(Directory.Exists(Output), "the output directory was created");
    }

    /// <summary>A spec file far over the size limit is refused by size without being read whole.</summary>
    [Fact]
    public void Run_SpecFileOverTheSizeLimit_ExitsWithBadInput_NamingTheLimit()
    {
        var path = Path.Combine(_directory, "big.yaml");
        File.WriteAllText(path, "# " + new string('x', 3 << 20));

        var (code, _, stderr) = CliProcess.Run(["run", path, "--home", Home]);

        Assert.Equal(2, code);
        Assert.Contains($"{path}: the document is more than 1048576 bytes, over the limit of 1048576 bytes", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Home));
    }
}
