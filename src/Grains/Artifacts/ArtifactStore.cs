using System.Security.Cryptography;
using Ensemble.Contracts.Runs;

namespace Ensemble.Grains.Artifacts;

/// <summary>
/// The bytes of every run's artifacts, in a directory (local, or a volume all silos share), addressed by content:
/// <c>blobs/ab/abcdef…</c> for SHA-256 <c>abcdef…</c>. A blob is written to a temporary file, flushed to disk and
/// renamed into place, and only then recorded, by the run grain, under the writer's fence (<c>IRunGrain.Complete</c>):
/// a stale attempt's record is refused, so the names a run maps never point at anything but complete content from
/// its current attempt.
/// </summary>
public sealed class ArtifactStore
{
    private readonly TimeProvider _clock;

    /// <summary>A store in <paramref name="root"/> (created if missing).</summary>
    public ArtifactStore(string root, TimeProvider? clock = null)
    {
        Root = Path.GetFullPath(root);
        _clock = clock ?? TimeProvider.System;
        Directory.CreateDirectory(Path.Combine(Root, "blobs"));
    }

    /// <summary>The directory.</summary>
    public string Root { get; }

    /// <summary>Where the content with hash <paramref name="sha256"/> lives.</summary>
    public string BlobPath(string sha256) => Path.Combine(Root, "blobs", sha256[..2], sha256);

    /// <summary>
    /// Copies <paramref name="sourcePath"/> into the store as a durable blob, as artifact <paramref name="name"/> of
    /// task <paramref name="taskId"/> of <paramref name="runId"/>; returns its record (not yet recorded: the run grain
    /// records a task's outputs together when it completes).
    /// </summary>
    public async Task<ArtifactRecord> StoreBlobAsync(string runId, string taskId, string name, string sourcePath, CancellationToken cancellationToken)
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

        return new ArtifactRecord(runId, name, sha256, size, taskId, _clock.GetUtcNow());
    }

    /// <summary>Opens the content of <paramref name="artifact"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">The blob is missing (the directory was changed by hand); the message names the artifact.</exception>
    public Stream OpenRead(ArtifactRecord artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        try
        {
            return new FileStream(BlobPath(artifact.Sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException(
                $"artifact '{artifact.Name}' of run '{artifact.RunId}' is recorded but its content ({artifact.Sha256}) is missing from the artifact store", e);
        }
    }
}
