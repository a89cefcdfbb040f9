using Ensemble.Contracts.Grains;
using Orleans.Concurrency;

namespace Ensemble.Grains.Artifacts;

/// <summary>The <see cref="IArtifactReaderGrain"/>: looks the artifact up in its run grain (so only recorded names are read), then reads the chunk from the store.</summary>
[StatelessWorker]
public sealed class ArtifactReaderGrain(ArtifactStore store) : Grain, IArtifactReaderGrain
{
    /// <inheritdoc/>
    public async Task<byte[]> Read(string runId, string name, long offset, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var artifacts = await GrainFactory.GetGrain<IRunGrain>(runId).ListArtifacts().ConfigureAwait(true);
        var artifact = artifacts.FirstOrDefault(a => a.Name == name)
            ?? throw new FileNotFoundException($"run '{runId}' has no artifact '{name}'");
        if (offset >= artifact.Size) return [];
        var buffer = new byte[(int)Math.Min(Math.Min(count, IArtifactReaderGrain.MaxChunkBytes), artifact.Size - offset)];
        var content = store.OpenRead(artifact);
        await using (content.ConfigureAwait(true))
        {
            content.Seek(offset, SeekOrigin.Begin);
            await content.ReadExactlyAsync(buffer).ConfigureAwait(true);
        }

        return buffer;
    }
}
