namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>A field of type <typeparamref name="TValue"/> on an immutable record <typeparamref name="T"/>, set with a <c>with</c> expression.</summary>
internal sealed class SpecField<T, TValue>(string name, SpecCodec<TValue> codec, Func<T, TValue> get, Func<T, TValue, T> set)
    : SpecField<T>(name)
{
    /// <inheritdoc/>
    public override T Read(T target, SpecNode node, string path, ProblemLog log) =>
        codec.TryRead(node, get(target), path, log, out TValue value) ? set(target, value) : target;

    /// <inheritdoc/>
    public override SpecNode Write(T source) => codec.Write(get(source));
}
