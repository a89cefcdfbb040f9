using System.Security.Cryptography;
using Ensemble.Silo.Artifacts;
using Ensemble.Silo.Store;
using Ensemble.Silo.Tests.Store;

namespace Ensemble.Silo.Tests.Artifacts;

/// <summary>The artifact store: content-addressed blobs, recorded under the writer's fence; a stale writer is refused and changes nothing.</summary>
public sealed class ArtifactStoreTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-artifacts-").FullName;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private ITaskStore _store = null!;
    private ArtifactStore _artifacts = null!;

    public async Task InitializeAsync()
    {
        _store = TaskStoreFactory.Open($"sqlite:{Path.Combine(_directory, "store.db")}", new TaskStoreOptions { Clock = _clock });
        await _store.MigrateAsync(Ct);
        _artifacts = new ArtifactStore(Path.Combine(_directory, "artifacts"), _store, _clock);
        await _store.CreateRunAsync(new NewRun("r1", "r1", "{}", [new NewTask("teacher/0", "teacher", 0, [])], 1, 3), Ct);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string File(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string[] Blobs() => Directory.GetFiles(Path.Combine(_artifacts.Root, "blobs"), "*", SearchOption.AllDirectories);

    [Fact]
    public async Task Put_StoresTheBytesUnderTheirSha256_AndRecordsThem()
    {
        var lease = (await _store.ClaimAsync("s1", TimeSpan.FromSeconds(10), Ct))!.Lease;

        var record = await _artifacts.PutAsync(lease, "tasks/teacher-0/model.safetensors", File("m", "weights"), Ct);

        var sha = Convert.ToHexStringLower(SHA256.HashData("weights"u8));
        Assert.Equal((sha, 7L), (record.Sha256, record.Size));
        Assert.Equal(_artifacts.BlobPath(sha), Assert.Single(Blobs()));
        Assert.Equal(record, await _store.GetArtifactAsync("r1", "tasks/teacher-0/model.safetensors", Ct));
        await using var read = _artifacts.OpenRead(record);
        Assert.Equal("weights", await new StreamReader(read).ReadToEndAsync());
    }

    [Fact]
    public async Task Put_WithAStaleFence_IsRefusedBeforeAnythingIsWritten_AndTheCurrentHoldersArtifactStands()
    {
        var stale = (await _store.ClaimAsync("s1", TimeSpan.FromSeconds(10), Ct))!.Lease;
        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, await _store.ExpireLeasesAsync(null, Ct));
        _clock.Advance(TimeSpan.FromMinutes(5));
        var current = (await _store.ClaimAsync("s2", TimeSpan.FromSeconds(10), Ct))!.Lease;
        Assert.True(current.Fence > stale.Fence);
        var kept = await _artifacts.PutAsync(current, "student.safetensors", File("new", "from the current holder"), Ct);

        var refused = await Assert.ThrowsAsync<StaleLeaseException>(() => _artifacts.PutAsync(stale, "student.safetensors", File("old", "from the zombie"), Ct));

        Assert.Equal($"artifact 'student.safetensors' refused: r1/teacher/0 is no longer held under fence {stale.Fence}", refused.Message);
        Assert.Equal(kept, await _store.GetArtifactAsync("r1", "student.safetensors", Ct));
        Assert.Equal([_artifacts.BlobPath(kept.Sha256)], Blobs());
        Assert.False(await _store.CompleteAsync(stale, new TaskCompletion("{}", []), Ct));
        Assert.Equal(TaskState.Running, (await _store.GetTasksAsync("r1", Ct)).Single().State);
    }

    [Fact]
    public async Task Put_RefusesANameThatLeavesTheRun()
    {
        var lease = (await _store.ClaimAsync("s1", TimeSpan.FromSeconds(10), Ct))!.Lease;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _artifacts.PutAsync(lease, "../escape", File("x", "x"), Ct));

        Assert.StartsWith("artifact name '../escape' has a '..' segment", error.Message);
        Assert.Empty(await _store.ListArtifactsAsync("r1", Ct));
    }
}
