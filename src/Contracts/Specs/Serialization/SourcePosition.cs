namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>A 1-based line and column in the source text; the default (0, 0) means unknown (a node built in code).</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>Whether the position points into a source text.</summary>
    public bool IsKnown => Line > 0;
}
