namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>A single value: text, and how it was written.</summary>
internal sealed record ScalarNode(string Text, ScalarKind Kind, SourcePosition Position = default) : SpecNode(Position)
{
    /// <summary>A null scalar with no position.</summary>
    public static ScalarNode Null { get; } = new("null", ScalarKind.Null);

    /// <inheritdoc/>
    public override string Describe() => Kind == ScalarKind.Null ? "null" : UntrustedText.Quote(Text);
}
