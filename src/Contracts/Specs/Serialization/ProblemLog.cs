namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>Collects every problem found while reading a document, and where each field was, so later problems can be located too.</summary>
internal sealed class ProblemLog
{
    private readonly List<SpecProblem> _problems = [];
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);

    /// <summary>The problems in the order they were found.</summary>
    public IReadOnlyList<SpecProblem> Problems => _problems;

    /// <summary>Records a problem at a position (ignored when unknown).</summary>
    public void Add(string path, string message, SourcePosition at) =>
        _problems.Add(at.IsKnown ? new SpecProblem(path, message) { Line = at.Line, Column = at.Column } : new SpecProblem(path, message));

    /// <summary>Records a problem found elsewhere, with the position of its field when the document had that field.</summary>
    public void Add(SpecProblem problem) => _problems.Add(Locate(problem));

    /// <summary>Remembers where the field at <paramref name="path"/> was written.</summary>
    public void SetPosition(string path, SourcePosition at)
    {
        if (at.IsKnown) _positions[path] = at;
    }

    /// <summary>The problem with the position of its field when known and not already set.</summary>
    public SpecProblem Locate(SpecProblem problem) =>
        problem.Line is null && _positions.TryGetValue(problem.Path, out var at) ? problem with { Line = at.Line, Column = at.Column } : problem;
}
