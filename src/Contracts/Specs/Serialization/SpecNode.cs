namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// A node of a parsed YAML or JSON document, the one tree both formats are read into and written from,
/// so binding, problems and the canonical writers are written once.
/// </summary>
/// <param name="Position">Where the node starts in the source text.</param>
internal abstract record SpecNode(SourcePosition Position)
{
    /// <summary>The node as a problem message quotes it: <c>'four'</c>, <c>null</c>, <c>a list</c>, <c>a mapping</c>.</summary>
    public abstract string Describe();
}
