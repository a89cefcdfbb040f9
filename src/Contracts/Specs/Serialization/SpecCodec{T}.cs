namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>How one type of value is read from and written to a <see cref="SpecNode"/>; see <see cref="SpecCodecs"/>.</summary>
internal sealed class SpecCodec<T>(SpecRead<T> read, Func<T, SpecNode> write)
{
    /// <summary>Reads a value; see <see cref="SpecRead{T}"/>.</summary>
    public bool TryRead(SpecNode node, T current, string path, ProblemLog log, out T value) =>
        read(node, current, path, log, out value);

    /// <summary>The node that writes <paramref name="value"/>.</summary>
    public SpecNode Write(T value) => write(value);
}
