using Ensemble.Contracts.Specs.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>
/// Reads a <see cref="RunSpec"/> from YAML or JSON, reporting every problem at once: syntax errors with line and
/// column, unknown fields (with a suggestion), wrong types and out-of-range values, each by field path.
/// </summary>
public static class RunSpecReader
{
    /// <summary>The format name for YAML (<c>.yaml</c>, <c>.yml</c>).</summary>
    public const string Yaml = "yaml";

    /// <summary>The format name for JSON (<c>.json</c>).</summary>
    public const string Json = "json";

    /// <summary>Reads and validates a spec.</summary>
    /// <param name="text">The document. An empty YAML document is the all-defaults spec.</param>
    /// <param name="format"><c>yaml</c> (or <c>yml</c>) or <c>json</c>, any case.</param>
    /// <param name="sourceName">A name for the text (a file name) that prefixes every line of an error message; null for none.</param>
    /// <returns>The spec, valid.</returns>
    /// <exception cref="RunSpecException">The text has problems; all of them are listed.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is neither yaml nor json.</exception>
    public static RunSpec Parse(string text, string format, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool json = NormalizeFormat(format) switch
        {
            Json => true,
            Yaml => false,
            _ => throw new ArgumentException($"format must be {Yaml} or {Json}, got '{format}'", nameof(format)),
        };

        var log = new ProblemLog();
        var root = json ? JsonNodeReader.Read(text, log) : YamlNodeReader.Read(text, log);
        if (log.Problems.Count > 0) throw new RunSpecException(log.Problems, sourceName);

        var spec = new RunSpec();
        if (root is MappingNode mapping)
        {
            spec = RunSpecSchema.Run.Read(mapping, spec, "", log);
        }
        else if (root is not null and not ScalarNode { Kind: ScalarKind.Null })
        {
            log.Add("", $"expected a mapping of fields at the top level, got {root.Describe()}", root.Position);
        }

        // A field that could not be read keeps its default, so range checks on it would only repeat the problem.
        var unread = log.Problems.Select(p => p.Path).ToList();
        foreach (var problem in spec.Validate())
        {
            if (!unread.Any(path => SpecPath.IsWithin(problem.Path, path))) log.Add(problem);
        }

        if (log.Problems.Count > 0)
        {
            var ordered = log.Problems.OrderBy(p => p.Line ?? int.MaxValue).ThenBy(p => p.Column ?? 0).ToList();
            throw new RunSpecException(ordered, sourceName);
        }

        return spec;
    }

    /// <summary>Reads and validates a spec file, the format chosen by its extension (<c>.yaml</c>, <c>.yml</c>, <c>.json</c>).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The spec, valid.</returns>
    /// <exception cref="RunSpecException">
    /// The file is missing, unreadable, has an unknown extension, or has problems; the message names the file.
    /// </exception>
    public static RunSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? format = FormatOfPath(path);
        if (format is null)
        {
            throw new RunSpecException(
                [new SpecProblem("", $"unknown extension '{Path.GetExtension(path)}'; expected .yaml, .yml or .json")], path);
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RunSpecException([new SpecProblem("", "file not found")], path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunSpecException([new SpecProblem("", $"cannot read the file: {e.Message}")], path);
        }

        return Parse(text, format, path);
    }

    /// <summary>The format a file's extension names: <c>yaml</c> for .yaml and .yml, <c>json</c> for .json (any case); else null.</summary>
    public static string? FormatOfPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".yaml" or ".yml" => Yaml,
        ".json" => Json,
        _ => null,
    };

    private static string? NormalizeFormat(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        "yaml" or "yml" => Yaml,
        "json" => Json,
        _ => null,
    };
}
