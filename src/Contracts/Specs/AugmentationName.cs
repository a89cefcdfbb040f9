using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>Data augmentation applied to training images; written <c>none</c>, <c>shift</c> or <c>shift-flip</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AugmentationName>))]
public enum AugmentationName
{
    /// <summary><c>none</c>: the examples as they are.</summary>
    [JsonStringEnumMemberName("none")]
    None,
    /// <summary><c>shift</c>: random small translations of each image; needs image data.</summary>
    [JsonStringEnumMemberName("shift")]
    Shift,
    /// <summary><c>shift-flip</c>: random translations and horizontal flips; needs image data.</summary>
    [JsonStringEnumMemberName("shift-flip")]
    ShiftFlip,
}
