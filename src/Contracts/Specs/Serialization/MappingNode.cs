namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>Named fields in source order, each key once (the reader reports a repeated key and keeps the first).</summary>
internal sealed record MappingNode(IReadOnlyList<MappingEntry> Entries, SourcePosition Position = default) : SpecNode(Position)
{
    /// <summary>A mapping with no fields.</summary>
    public static MappingNode Empty { get; } = new([]);

    /// <inheritdoc/>
    public override string Describe() => "a mapping";
}
