using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary><c>distillation.compress.prune.method</c>: what magnitude pruning removes; written <c>structured</c> or <c>unstructured</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PruningMethod>))]
public enum PruningMethod
{
    /// <summary><c>structured</c>: whole hidden units and convolution channels, so the exported network is smaller and faster.</summary>
    [JsonStringEnumMemberName("structured")]
    Structured,
    /// <summary><c>unstructured</c>: single weights set to zero; the dense file keeps its size (sparse runtimes or compression gain from it).</summary>
    [JsonStringEnumMemberName("unstructured")]
    Unstructured,
}
