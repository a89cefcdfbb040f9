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

    [Fact]
    public void Silo_UnreachablePostgres_FailsWithATaskStoreError_AndLeavesNoSiloRunning()
    {
        var (code, _, stderr) = CliProcess.Run("silo", "--store", "postgres://u:p@127.0.0.1:1/db", "--artifacts", _directory);
        Assert.Equal(3, code);
        Assert.StartsWith("error: task store: ", stderr.Trim());
        Assert.Contains("127.0.0.1:1", stderr);
    }
}
