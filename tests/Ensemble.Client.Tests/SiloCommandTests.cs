namespace Ensemble.Client.Tests;

/// <summary><c>ensemble silo</c> refuses bad options with one line that names the option, before it starts anything.</summary>
public sealed class SiloCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-silo-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Silo_MalformedStoreLocation_SaysWhatItExpects()
    {
        var (code, _, stderr) = CliProcess.Run("silo", "--store", "mysql://x", "--artifacts", _directory);
        Assert.Equal(2, code);
        Assert.Equal("error: store location 'mysql://x': expected sqlite:PATH or postgres://user:password@host:port/database", stderr.Trim());
    }

    [Fact]
    public void Silo_ArtifactsIsAFile_NamesTheOption()
    {
        var file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "not a directory");
        var (code, _, stderr) = CliProcess.Run("silo", "--store", $"sqlite:{Path.Combine(_directory, "s.db")}", "--artifacts", file);
        Assert.Equal(2, code);
        Assert.Equal($"error: --artifacts: '{file}' is a file, not a directory", stderr.Trim());
    }

    [Fact]
    public void Silo_BadUrls_NamesTheOption()
    {
        var (code, _, stderr) = CliProcess.Run("silo", "--store", $"sqlite:{Path.Combine(_directory, "s.db")}", "--artifacts", _directory, "--urls", "localhost:80");
        Assert.Equal(2, code);
        Assert.Contains("--urls: expected http://HOST:PORT", stderr);
    }

    [Theory]
    [InlineData("--silo-port", "70000", "error: --silo-port: must be a port (0 for a free one), not 70000")]
    [InlineData("--gateway-port", "-1", "error: --gateway-port: must be a port (0 for a free one), not -1")]
    [InlineData("--advertise", "silo-0.local", "error: --advertise: expected an IP address, got 'silo-0.local'")]
    [InlineData("--cluster-id", " ", "error: --cluster-id: must not be empty")]
    public void Silo_BadClusterOption_NamesTheOption(string option, string value, string expected)
    {
        var (code, _, stderr) = CliProcess.Run("silo", "--store", $"sqlite:{Path.Combine(_directory, "s.db")}", "--artifacts", _directory, option, value);
        Assert.Equal(2, code);
        Assert.Equal(expected, stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_directory, "s.db")), "the store was created");
    }

    [Fact]
    public void Silo_SamePortForSilosAndGateway_NamesBoth()
    {
        var (code, _, stderr) = CliProcess.Run("silo", "--store", $"sqlite:{Path.Combine(_directory, "s.db")}", "--artifacts", _directory,
            "--silo-port", "12000", "--gateway-port", "12000");
        Assert.Equal(2, code);
        Assert.Equal("error: --gateway-port: must differ from --silo-port (12000)", stderr.Trim());
    }

    [Fact]
    public void Silo_LeaseSeconds_IsNoLongerAnOption()
    {
        var (code, _, stderr) = CliProcess.Run("silo", "--store", $"sqlite:{Path.Combine(_directory, "s.db")}", "--artifacts", _directory, "--lease-seconds", "30");
        Assert.NotEqual(0, code);
        Assert.Contains("Unrecognized command or argument '--lease-seconds'", stderr);
    }

    [Fact]
    public void Silo_UnreachablePostgres_FailsWithAStoreError_AndLeavesNoSiloRunning()
    {
        var (code, _, stderr) = CliProcess.Run("silo", "--store", "postgres://u:p@127.0.0.1:1/db", "--artifacts", _directory);
        Assert.Equal(3, code);
        Assert.StartsWith("error: cluster store: ", stderr.Trim());
        Assert.Contains("127.0.0.1:1", stderr);
    }
}
