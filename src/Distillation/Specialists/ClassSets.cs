namespace Ensemble.Distillation.Specialists;

/// <summary>Checks on the class sets every specialist API takes: sorted ascending, distinct, in range.</summary>
internal static class ClassSets
{
    /// <summary>
    /// Throws unless <paramref name="classes"/> is non-empty, strictly ascending, non-negative and (when
    /// <paramref name="classCount"/> is given) below it and a proper subset of the classes.
    /// </summary>
    public static void Validate(int[]? classes, string argument, int? classCount = null)
    {
        if (classes is null) throw new ArgumentNullException(argument);
        if (classes.Length == 0) throw new ArgumentException("a specialist needs at least one class", argument);
        for (var i = 0; i < classes.Length; i++)
        {
            if (classes[i] < 0) throw new ArgumentException($"class {classes[i]} at position {i} is negative", argument);
            if (i > 0 && classes[i] <= classes[i - 1])
            {
                throw new ArgumentException($"classes must be sorted ascending without repeats, got [{string.Join(", ", classes)}]", argument);
            }
        }

        if (classCount is { } k)
        {
            if (classes[^1] >= k) throw new ArgumentException($"class {classes[^1]} is outside [0, {k})", argument);
            if (classes.Length >= k)
            {
                throw new ArgumentException($"the {classes.Length} classes are all {k} classes: a specialist needs at least one class outside its set", argument);
            }
        }
    }

    /// <summary>The classes in [0, <paramref name="classCount"/>) not in the sorted set <paramref name="classes"/>, ascending.</summary>
    public static int[] Complement(int[] classes, int classCount) =>
        Enumerable.Range(0, classCount).Where(c => Array.BinarySearch(classes, c) < 0).ToArray();

    /// <summary>"[0, 1, 2]".</summary>
    public static string Format(IEnumerable<int> classes) => $"[{string.Join(", ", classes)}]";
}
