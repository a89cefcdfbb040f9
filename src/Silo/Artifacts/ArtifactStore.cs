using System.Security.Cryptography;
using Ensemble.Silo.Store;

namespace Ensemble.Silo.Artifacts;

/// <summary>
/// The bytes of every run's artifacts, in a directory (local, or a volume all silos share), addressed by content:
/// <c>blobs/ab/abcdef…</c> for SHA-256 <c>abcdef…</c>. A blob is written to a temporary file, flushed to disk and
/// renamed into place, and only then recorded in the task store under the writer's fencing token; a writer whose
/// lease is stale is refused before it writes, and its record is refused if it lost the lease meanwhile, so the
/// names the store maps never point at anything but complete content from the current lease holder.
/// </summary>
public sealed class ArtifactStore
{
    private readonly ITaskStore _store;
    private readonly TimeProvider _clock;

    /// <summary>A store in <paramref name="root"/> (created if missing) that records into <paramref name="store"/>.</summary>
    public ArtifactStore(string root, ITaskStore store, TimeProvider? clock = null)
    {
        Root = Path.GetFullPath(root);
        _store = store;
        _clock = clock ?? TimeProvider.System;
        Directory.CreateDirectory(Path.Combine(Root, "blobs"));
    }

    /// <summary>The directory.</summary>
    public string Root { get; }

    /// <summary>Where the content with hash <paramref name="sha256"/> lives.</summary>
    public string BlobPath(string sha256) => Path.Combine(Root, "blobs", sha256[..2], sha256);

    /// <summary>
    /// Copies <paramref name="sourcePath"/> into the store as a durable blob; returns its record (not yet recorded
    /// in the task store: <see cref="ITaskStore.CompleteAsync"/> records a task's outputs together).
    /// </summary>
    public async Task<ArtifactRecord> StoreBlobAsync(TaskLease lease, string name, string sourcePath, CancellationToken cancellationToken)
    {
        ArtifactNames.Validate(name);
        string sha256;
        long size;
        await using (var source = File.OpenRead(sourcePath))
        {
            size = source.Length;
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(source, cancellationToken).ConfigureAwait(false));
        }

        var target = BlobPath(sha256);
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = $"{target}.{Guid.NewGuid():N}.tmp";
            try
            {
                await using (var source = File.OpenRead(sourcePath))
                await using (var destination = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                    destination.Flush(flushToDisk: true);
                }

                // Same content under the same name: whoever renames last, the blob is the same bytes.
                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        return new ArtifactRecord(lease.RunId, name, sha256, size, lease.TaskId, _clock.GetUtcNow());
    }

    /// <summary>
    /// Writes one artifact for the holder of <paramref name="lease"/> and records it.
    /// </summary>
    /// <exception cref="StaleLeaseException">The lease is not current: nothing was recorded.</exception>
    public async Task<ArtifactRecord> PutAsync(TaskLease lease, string name, string sourcePath, CancellationToken cancellationToken)
    {
        ArtifactNames.Validate(name);
        // Checked first so a stale writer does not even add a blob; the fenced record below closes the race.
        if (await _store.CheckLeaseAsync(lease, cancellationToken).ConfigureAwait(false) != LeaseStatus.Held)
        {
            throw new StaleLeaseException(lease, $"artifact '{name}'");
        }

        var record = await StoreBlobAsync(lease, name, sourcePath, cancellationToken).ConfigureAwait(false);
        if (!await _store.RecordArtifactAsync(lease, record, cancellationToken).ConfigureAwait(false))
        {
            throw new StaleLeaseException(lease, $"artifact '{name}'");
        }

        return record;
    }

    /// <summary>Opens the content of <paramref name="artifact"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">The blob is missing (the directory was changed by hand).</exception>
    public Stream OpenRead(ArtifactRecord artifact) =>
        new FileStream(BlobPath(artifact.Sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
}
