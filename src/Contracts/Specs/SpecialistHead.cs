using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>The output layer of a specialist; written <c>dustbin</c> or <c>full</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpecialistHead>))]
public enum SpecialistHead
{
    /// <summary><c>dustbin</c>: its own classes plus one class for all the others (Hinton et al. 2015 §5).</summary>
    [JsonStringEnumMemberName("dustbin")]
    Dustbin,
    /// <summary><c>full</c>: a full softmax over every class, trained on the generalist's soft targets for the others.</summary>
    [JsonStringEnumMemberName("full")]
    Full,
}
