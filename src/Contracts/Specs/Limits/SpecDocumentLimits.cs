using System.Globalization;

namespace Ensemble.Contracts.Specs;

/// <summary>
/// How large a spec document may be before it is read at all: bytes, nesting, nodes and the length of one value.
/// A document over any of them is an ordinary spec problem with its position, found before the reader does more work.
/// </summary>
public sealed record SpecDocumentLimits
{
    /// <summary>The largest document, in UTF-8 bytes. Default 1 MiB (a real spec is under 4 KiB).</summary>
    public int Bytes { get; init; } = 1 << 20;

    /// <summary>The deepest nesting of mappings and lists (the top-level mapping is depth 1; real specs reach 4). Default 32.</summary>
    public int Depth { get; init; } = 32;

    /// <summary>The most nodes (mappings, lists and values, keys not counted) one document may hold. Default 10,000.</summary>
    public int Nodes { get; init; } = 10_000;

    /// <summary>The longest value or key, in characters (a dataset directory path is the longest real one). Default 4,096.</summary>
    public int ScalarLength { get; init; } = 4_096;

    /// <summary>The defaults.</summary>
    public static SpecDocumentLimits Default { get; } = new();

    /// <summary>Every problem with these limits, each naming its field (prefixed by <paramref name="prefix"/>); empty when valid.</summary>
    public IEnumerable<string> Problems(string prefix = "")
    {
        foreach (var (name, value) in new[] { (nameof(Bytes), Bytes), (nameof(Depth), Depth), (nameof(Nodes), Nodes), (nameof(ScalarLength), ScalarLength) })
        {
            if (value < 1) yield return $"{prefix}{name} must be >= 1, got {value.ToString(CultureInfo.InvariantCulture)}";
        }
    }
}
