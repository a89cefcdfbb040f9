namespace Ensemble.Client.Commands;

/// <summary>Reports on the caller's thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool and can reorder lines).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => handler(value);
}
