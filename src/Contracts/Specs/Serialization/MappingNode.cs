namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>Named fields in source order; duplicate keys are kept, so the binder can report them.</summary>
internal sealed record MappingNode(IReadOnlyList<MappingEntry> Entries, SourcePosition Position = default) : SpecNode(Position)
{
    /// <summary>A mapping with no fields.</summary>
    public static MappingNode Empty { get; } = new([]);

    /// <inheritdoc/>
    public override string Describe() => "a mapping";
}
