namespace Ensemble.Contracts.Api;

/// <summary>One problem with a submitted run spec, as <see cref="ApiProblem.Problems"/> lists it.</summary>
/// <param name="Path">The field, e.g. <c>teachers.count</c>; empty for the document as a whole (a syntax error).</param>
/// <param name="Message">What is wrong, e.g. <c>must be &gt;= 1</c>.</param>
/// <param name="Line">The 1-based line in the submitted text, or null when not known.</param>
/// <param name="Column">The 1-based column, or null when not known.</param>
public sealed record ApiSpecProblem(string Path, string Message, int? Line, int? Column)
{
    /// <summary><c>line:column: path: message</c>, dropping the parts that are not known.</summary>
    public override string ToString()
    {
        var where = Line is null ? "" : $"{Line}:{Column}: ";
        return Path.Length == 0 ? $"{where}{Message}" : $"{where}{Path}: {Message}";
    }
}
