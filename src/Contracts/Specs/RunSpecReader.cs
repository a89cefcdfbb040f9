using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
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

    /// <summary>Reads and validates a spec, within <paramref name="limits"/> (null: <see cref="SpecLimits.Default"/>).</summary>
    /// <param name="text">The document. An empty YAML document is the all-defaults spec.</param>
    /// <param name="format"><c>yaml</c> (or <c>yml</c>) or <c>json</c>, any case.</param>
    /// <param name="sourceName">A name for the text (a file name) that prefixes every line of an error message; null for none.</param>
    /// <param name="limits">How large the document and the run it asks for may be; null for the defaults.</param>
    /// <returns>The spec, valid.</returns>
    /// <exception cref="RunSpecException">The text has problems, or is over a limit; all of them are listed.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is neither yaml nor json.</exception>
    public static RunSpec Parse(string text, string format, string? sourceName = null, SpecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool json = IsJson(format);
        limits ??= SpecLimits.Default;
        // Counted before anything is parsed; GetByteCount stops at nothing, but it is linear and allocates nothing.
        long size = Encoding.UTF8.GetByteCount(text);
        if (size > limits.Document.Bytes) throw TooLarge(size.ToString(CultureInfo.InvariantCulture), limits, sourceName);

        var log = new ProblemLog();
        var root = json ? JsonNodeReader.Read(text, limits.Document, log) : YamlNodeReader.Read(text, limits.Document, log);
        if (log.Problems.Count > 0) throw new RunSpecException(Ordered(log), sourceName);

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
        foreach (var problem in spec.Validate(limits))
        {
            if (!unread.Any(path => SpecPath.IsWithin(problem.Path, path))) log.Add(problem);
        }

        if (log.Problems.Count > 0) throw new RunSpecException(Ordered(log), sourceName);
        return spec;
    }

    /// <summary>
    /// Reads and validates a spec sent as bytes (a request body): UTF-8, with or without a byte-order mark; bytes that
    /// are not UTF-8 are a problem naming their offset.
    /// </summary>
    /// <inheritdoc cref="Parse(string, string, string?, SpecLimits?)"/>
    public static RunSpec Parse(ReadOnlySpan<byte> utf8, string format, string? sourceName = null, SpecLimits? limits = null)
    {
        IsJson(format);
        limits ??= SpecLimits.Default;
        if (utf8.Length > limits.Document.Bytes) throw TooLarge(utf8.Length.ToString(CultureInfo.InvariantCulture), limits, sourceName);
        return Parse(Decode(utf8, sourceName), format, sourceName, limits);
    }

    /// <summary>Reads and validates a spec file, the format chosen by its extension (<c>.yaml</c>, <c>.yml</c>, <c>.json</c>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">How large the file and the run it asks for may be; null for the defaults.</param>
    /// <returns>The spec, valid.</returns>
    /// <exception cref="RunSpecException">
    /// The file is missing, unreadable, has an unknown extension, is over a limit, or has problems; the message names the file.
    /// </exception>
    public static RunSpec Load(string path, SpecLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        limits ??= SpecLimits.Default;
        string? format = FormatOfPath(path);
        if (format is null)
        {
            throw new RunSpecException(
                [new SpecProblem("", $"unknown extension '{Path.GetExtension(path)}'; expected .yaml, .yml or .json")], path);
        }

        byte[] bytes;
        try
        {
            bytes = ReadAtMost(path, limits.Document.Bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RunSpecException([new SpecProblem("", "file not found")], path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunSpecException([new SpecProblem("", $"cannot read the file: {e.Message}")], path);
        }

        if (bytes.Length > limits.Document.Bytes) throw TooLarge("more than " + limits.Document.Bytes.ToString(CultureInfo.InvariantCulture), limits, path);
        return Parse(bytes, format, path, limits);
    }

    /// <summary>The format a file's extension names: <c>yaml</c> for .yaml and .yml, <c>json</c> for .json (any case); else null.</summary>
    public static string? FormatOfPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".yaml" or ".yml" => Yaml,
        ".json" => Json,
        _ => null,
    };

    /// <summary>
    /// At most <paramref name="limit"/> + 1 bytes of the file: enough to tell that it is over the limit without reading
    /// the rest (a file can be endless: a pipe, a device).
    /// </summary>
    private static byte[] ReadAtMost(string path, int limit)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var bytes = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while (bytes.Length <= limit && (read = file.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1L - bytes.Length))) > 0)
        {
            bytes.Write(chunk, 0, read);
        }

        return bytes.ToArray();
    }

    /// <summary>Strict UTF-8 (a leading byte-order mark dropped); invalid bytes are a problem naming their offset.</summary>
    private static string Decode(ReadOnlySpan<byte> utf8, string? sourceName)
    {
        int skipped = utf8.StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var body = utf8[skipped..];
        var chars = new char[body.Length];
        var status = Utf8.ToUtf16(body, chars, out int bytesRead, out int charsWritten, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            long offset = skipped + bytesRead;
            throw new RunSpecException([new SpecProblem("", $"the document is not valid UTF-8: byte 0x{body[bytesRead]:X2} at byte offset {offset.ToString(CultureInfo.InvariantCulture)}")], sourceName);
        }

        return new string(chars, 0, charsWritten);
    }

    private static RunSpecException TooLarge(string size, SpecLimits limits, string? sourceName) =>
        new([new SpecProblem("", $"the document is {size} bytes, over the limit of {limits.Document.Bytes.ToString(CultureInfo.InvariantCulture)} bytes")], sourceName);

    private static bool IsJson(string format) => NormalizeFormat(format) switch
    {
        Json => true,
        Yaml => false,
        _ => throw new ArgumentException($"format must be {Yaml} or {Json}, got '{format}'", nameof(format)),
    };

    private static List<SpecProblem> Ordered(ProblemLog log) =>
        log.Problems.OrderBy(p => p.Line ?? int.MaxValue).ThenBy(p => p.Column ?? 0).ToList();

    private static string? NormalizeFormat(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        "yaml" or "yml" => Yaml,
        "json" => Json,
        _ => null,
    };
}
