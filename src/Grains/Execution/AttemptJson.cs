using System.Text.Json;
using Ensemble.Grains.Artifacts;

namespace Ensemble.Grains.Execution;

/// <summary>How an attempt's result and progress are written into run state: compact JSON, the artifacts' conventions.</summary>
internal static class AttemptJson
{
    /// <summary>Compact JSON with the naming of <see cref="AtomicFile.Json"/>.</summary>
    public static JsonSerializerOptions Options { get; } = new(AtomicFile.Json) { WriteIndented = false };
}
