namespace Ensemble.Contracts.Grains;

/// <summary>
/// Reads recorded artifacts out of the artifact store for clients outside the cluster (a stateless worker, key 0, on
/// the silo they call), a chunk per call, so that a large model never becomes one huge message.
/// </summary>
public interface IArtifactReaderGrain : IGrainWithIntegerKey
{
    /// <summary>The most bytes one <see cref="Read"/> returns.</summary>
    const int MaxChunkBytes = 1 << 20;

    /// <summary>
    /// Up to <paramref name="count"/> bytes (at most <see cref="MaxChunkBytes"/>) of artifact <paramref name="name"/> of
    /// run <paramref name="runId"/> from <paramref name="offset"/>; empty at the end.
    /// </summary>
    /// <exception cref="FileNotFoundException">The run has no such artifact, or its content is missing from the store.</exception>
    Task<byte[]> Read(string runId, string name, long offset, int count);
}
