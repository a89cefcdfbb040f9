using System.Text.Json;
using Ensemble.Grains.Artifacts;

namespace Ensemble.Silo.Execution;

/// <summary>How the silo writes JSON into the store: the artifacts' naming (snake_case), on one line.</summary>
internal static class StoreJson
{
    /// <summary>The options.</summary>
    public static JsonSerializerOptions Options { get; } = new(AtomicFile.Json) { WriteIndented = false };
}
