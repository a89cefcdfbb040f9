using Ensemble.Contracts.Specs.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>
/// Writes a <see cref="RunSpec"/> in canonical form: snake_case keys in a fixed order and every field written,
/// defaults included, so a stored spec says everything the run used. <see cref="RunSpecReader"/> reads it back equal.
/// </summary>
public static class RunSpecWriter
{
    /// <summary>The spec as indented JSON.</summary>
    public static string ToJson(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return JsonEmitter.Emit(RunSpecSchema.Run.Write(spec));
    }

    /// <summary>The spec as block-style YAML.</summary>
    public static string ToYaml(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return YamlEmitter.Emit(RunSpecSchema.Run.Write(spec));
    }

    /// <summary>The spec in <paramref name="format"/>: <c>yaml</c> (or <c>yml</c>) or <c>json</c>, any case.</summary>
    /// <exception cref="ArgumentException">The format is neither.</exception>
    public static string Write(RunSpec spec, string format) => format?.Trim().ToLowerInvariant() switch
    {
        "yaml" or "yml" => ToYaml(spec),
        "json" => ToJson(spec),
        _ => throw new ArgumentException($"format must be {RunSpecReader.Yaml} or {RunSpecReader.Json}, got '{format}'", nameof(format)),
    };

    /// <summary>Writes the spec to a file, the format chosen by its extension (<c>.yaml</c>, <c>.yml</c>, <c>.json</c>).</summary>
    /// <exception cref="ArgumentException">The extension is none of those.</exception>
    public static void Save(RunSpec spec, string path)
    {
        string format = RunSpecReader.FormatOfPath(path)
            ?? throw new ArgumentException($"{path}: unknown extension '{Path.GetExtension(path)}'; expected .yaml, .yml or .json", nameof(path));
        File.WriteAllText(path, Write(spec, format));
    }
}
