namespace Ensemble.Contracts.Specs;

/// <summary>A run spec could not be read or is invalid; <see cref="Problems"/> holds every problem found, not just the first.</summary>
public sealed class RunSpecException : Exception
{
    /// <summary>Creates the exception; the message lists every problem, one per line.</summary>
    /// <param name="problems">The problems; at least one.</param>
    /// <param name="fileName">The file the spec came from, which prefixes every line of the message; null when there is none.</param>
    public RunSpecException(IReadOnlyList<SpecProblem> problems, string? fileName = null)
        : base(FormatMessage(problems, fileName))
    {
        Problems = problems;
        FileName = fileName;
    }

    /// <summary>Every problem, in the order of the document where positions are known.</summary>
    public IReadOnlyList<SpecProblem> Problems { get; }

    /// <summary>The file the spec came from; null when it was parsed from text.</summary>
    public string? FileName { get; }

    /// <summary>
    /// One line per problem: <c>file:line:column: path: message</c>, dropping the parts that are not known
    /// (<c>file: path: message</c>; <c>line 3, column 5: path: message</c> without a file).
    /// </summary>
    public static string FormatMessage(IReadOnlyList<SpecProblem> problems, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return string.Join(Environment.NewLine, problems.Select(p => (fileName, p.Line) switch
        {
            (not null, not null) => $"{fileName}:{p.Line}:{p.Column}: {p}",
            (not null, null) => $"{fileName}: {p}",
            (null, not null) => $"line {p.Line}, column {p.Column}: {p}",
            _ => p.ToString(),
        }));
    }
}
