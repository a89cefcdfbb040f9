namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>A list of nodes.</summary>
internal sealed record SequenceNode(IReadOnlyList<SpecNode> Items, SourcePosition Position = default) : SpecNode(Position)
{
    /// <inheritdoc/>
    public override string Describe() => "a list";
}
