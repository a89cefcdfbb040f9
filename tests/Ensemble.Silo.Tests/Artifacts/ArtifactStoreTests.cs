using System.Security.Cryptography;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Artifacts;

namespace Ensemble.Silo.Tests.Artifacts;

/// <summary>
/// The artifact store: a task's outputs become blobs named by their SHA-256, written to a temporary file and renamed
/// into place; the record it returns is what the run grain records when the task completes.
/// </summary>
public sealed class ArtifactStoreTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-artifacts-").FullName;
    private readonly ArtifactStore _artifacts;

    public ArtifactStoreTests() => _artifacts = new ArtifactStore(Path.Combine(_directory, "artifacts"), new FixedClock(Now));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string[] Blobs() => Directory.GetFiles(Path.Combine(_artifacts.Root, "blobs"), "*", SearchOption.AllDirectories);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task StoreBlob_CopiesTheBytesUnderTheirSha256_AndReturnsTheirRecord()
    {
        var record = await _artifacts.StoreBlobAsync("r1", "teacher/0", "tasks/teacher-0/model.safetensors", File("m", "weights"), Ct);

        var sha = Sha256("weights");
        Assert.Equal(new ArtifactRecord("r1", "tasks/teacher-0/model.safetensors", sha, 7, "teacher/0", Now), record);
        Assert.Equal(Path.Combine(_artifacts.Root, "blobs", sha[..2], sha), _artifacts.BlobPath(sha));
        Assert.Equal(_artifacts.BlobPath(sha), Assert.Single(Blobs()));
        await using var read = _artifacts.OpenRead(record);
        Assert.Equal("weights", await new StreamReader(read).ReadToEndAsync());
        // A copy: the task's own file stays where it was, for its workspace to delete.
        Assert.True(System.IO.File.Exists(Path.Combine(_directory, "m")));
    }

    [Fact]
    public async Task StoreBlob_TheSameContentTwice_IsOneBlob_AndTheExistingBlobIsNotRewritten()
    {
        var first = await _artifacts.StoreBlobAsync("r1", "teacher/0", "a.bin", File("a", "same bytes"), Ct);
        System.IO.File.SetLastWriteTimeUtc(_artifacts.BlobPath(first.Sha256), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var second = await _artifacts.StoreBlobAsync("r2", "distill", "student.safetensors", File("b", "same bytes"), Ct);

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(("r2", "student.safetensors", "distill"), (second.RunId, second.Name, second.TaskId));
        Assert.Single(Blobs());
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), System.IO.File.GetLastWriteTimeUtc(_artifacts.BlobPath(first.Sha256)));
    }

    [Fact]
    public async Task StoreBlob_ThatCannotBeRenamedIntoPlace_FailsAndLeavesNoTemporaryFile()
    {
        // Something that is not a file sits where the blob goes: the copy is written to a temporary file, the rename fails.
        var sha = Sha256("payload");
        Directory.CreateDirectory(_artifacts.BlobPath(sha));

        await Assert.ThrowsAnyAsync<IOException>(() => _artifacts.StoreBlobAsync("r1", "teacher/0", "x.bin", File("x", "payload"), Ct));

        Assert.Empty(Blobs());
        Assert.Equal([_artifacts.BlobPath(sha)], Directory.GetFileSystemEntries(Path.GetDirectoryName(_artifacts.BlobPath(sha))!));
    }

    [Fact]
    public async Task StoreBlob_RefusesANameThatLeavesTheRun_BeforeWritingAnything()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _artifacts.StoreBlobAsync("r1", "teacher/0", "../escape", File("x", "x"), Ct));

        Assert.StartsWith("artifact name '../escape' has a '..' segment", error.Message, StringComparison.Ordinal);
        Assert.Empty(Blobs());
    }

    [Fact]
    public async Task StoreBlob_OfAMissingFile_FailsNamingIt()
    {
        var missing = Path.Combine(_directory, "never-written.bin");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => _artifacts.StoreBlobAsync("r1", "teacher/0", "x.bin", missing, Ct));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Empty(Blobs());
    }

    [Fact]
    public async Task OpenRead_OfARecordWhoseBlobIsMissing_ThrowsNotFound()
    {
        var stored = await _artifacts.StoreBlobAsync("r1", "teacher/0", "a.bin", File("a", "kept"), Ct);
        var deleted = await _artifacts.StoreBlobAsync("r1", "teacher/1", "b.bin", File("b", "deleted by hand"), Ct);
        System.IO.File.Delete(_artifacts.BlobPath(deleted.Sha256));
        var neverStored = stored with { Sha256 = Sha256("never stored") };

        // What the API answers 500 for, naming the artifact: its blob's file, or the whole blob directory, is gone.
        Assert.Throws<FileNotFoundException>(() => _artifacts.OpenRead(deleted));
        Assert.True(Record.Exception(() => _artifacts.OpenRead(neverStored)) is FileNotFoundException or DirectoryNotFoundException);
        await using var read = _artifacts.OpenRead(stored);
        Assert.Equal(4, read.Length);
    }

    /// <summary>A clock that always says <paramref name="now"/>.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
