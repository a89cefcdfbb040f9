namespace Ensemble.Contracts.Specs;

/// <summary>Builds <see cref="ValueList{T}"/>s; the collection-expression builder, so <c>Hidden = [300]</c> works.</summary>
public static class ValueList
{
    /// <summary>A list holding a copy of <paramref name="items"/>.</summary>
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());

    /// <summary>A list holding a copy of <paramref name="items"/>.</summary>
    public static ValueList<T> From<T>(IEnumerable<T> items) => new(items.ToArray());
}
