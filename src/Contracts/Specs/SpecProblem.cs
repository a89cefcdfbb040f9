namespace Ensemble.Contracts.Specs;

/// <summary>One thing wrong with a run spec: where (a field path such as <c>teachers.count</c>) and what.</summary>
/// <param name="Path">
/// The field, as written in files: snake_case keys joined by dots, list items as <c>[i]</c>
/// (<c>distillation.transfer.omit_classes[1]</c>); empty for the document as a whole (a syntax error).
/// </param>
/// <param name="Message">What is wrong, such as <c>must be &gt;= 1</c>.</param>
[GenerateSerializer]
public sealed record SpecProblem(string Path, string Message)
{
    /// <summary>The 1-based line in the source text the problem points at; null when not known (a spec built in code, or a field left out).</summary>
    [Id(2)]
    public int? Line { get; init; }

    /// <summary>The 1-based column in the source text; null when <see cref="Line"/> is.</summary>
    [Id(3)]
    public int? Column { get; init; }

    /// <summary><c>path: message</c>, or the message alone when the path is empty.</summary>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
