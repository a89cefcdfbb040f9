namespace Ensemble.Contracts.Specs;

/// <summary>Builds the field paths that <see cref="SpecProblem.Path"/> holds.</summary>
public static class SpecPath
{
    /// <summary><c>parent.field</c>, or <c>field</c> at the top level.</summary>
    public static string Field(string parent, string field) => parent.Length == 0 ? field : $"{parent}.{field}";

    /// <summary><c>list[index]</c>.</summary>
    public static string Item(string list, int index) => $"{list}[{index}]";

    /// <summary>Whether <paramref name="path"/> is <paramref name="ancestor"/> or lies inside it.</summary>
    public static bool IsWithin(string path, string ancestor) =>
        ancestor.Length == 0 ||
        (path.StartsWith(ancestor, StringComparison.Ordinal) &&
         (path.Length == ancestor.Length || path[ancestor.Length] is '.' or '['));
}
