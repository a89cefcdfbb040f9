using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>Whether the distillation loss standardizes logits first (Sun et al., CVPR 2024); written <c>off</c>, <c>on</c> or <c>compare</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LogitStandardizationMode>))]
public enum LogitStandardizationMode
{
    /// <summary><c>off</c>: the plain Hinton loss on temperature-scaled logits.</summary>
    [JsonStringEnumMemberName("off")]
    Off,
    /// <summary><c>on</c>: each logit vector is replaced by (z − mean(z)) / std(z) before the temperature, for teacher and student separately.</summary>
    [JsonStringEnumMemberName("on")]
    On,
    /// <summary><c>compare</c>: train two students, one with and one without, and report both.</summary>
    [JsonStringEnumMemberName("compare")]
    Compare,
}
