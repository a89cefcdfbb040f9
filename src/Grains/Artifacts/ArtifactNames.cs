namespace Ensemble.Grains.Artifacts;

/// <summary>The rules for an artifact's name: a relative path of plain segments, so it can never leave its run.</summary>
public static class ArtifactNames
{
    /// <summary>Null when <paramref name="name"/> is a valid artifact name, else what is wrong with it.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "is empty";
        if (name.Length > 512) return "is longer than 512 characters";
        if (name.Contains('\\')) return "contains a backslash (use '/')";
        if (name.StartsWith('/')) return "is absolute (it must be relative to the run)";
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0) return "has an empty segment";
            if (segment is "." or "..") return $"has a '{segment}' segment";
            if (segment.Any(c => char.IsControl(c) || c == ':')) return "contains a control character or ':'";
        }

        return null;
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid artifact name.</summary>
    /// <exception cref="ArgumentException">It is not; the message says why.</exception>
    public static void Validate(string name)
    {
        if (Problem(name) is { } problem) throw new ArgumentException($"artifact name '{name}' {problem}", nameof(name));
    }
}
