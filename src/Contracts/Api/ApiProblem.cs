namespace Ensemble.Contracts.Api;

/// <summary>
/// The body of every error the API answers (4xx and 5xx): one line saying what went wrong and, for an invalid
/// run spec, every problem by field.
/// </summary>
/// <param name="Error">One line, e.g. <c>run 'x' not found</c>.</param>
/// <param name="Problems">For an invalid run spec, every problem found; otherwise empty.</param>
public sealed record ApiProblem(string Error, IReadOnlyList<ApiSpecProblem> Problems)
{
    /// <summary>A problem that is not about a run spec: <paramref name="error"/> alone, no spec problems.</summary>
    public static ApiProblem Of(string error) => new(error, []);
}
