using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>How ensemble members are weighted when their predictions are combined; written <c>uniform</c>, <c>accuracy</c> or <c>entropy</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberWeighting>))]
public enum MemberWeighting
{
    /// <summary><c>uniform</c>: every member counts the same.</summary>
    [JsonStringEnumMemberName("uniform")]
    Uniform,
    /// <summary><c>accuracy</c>: members weighted by their validation accuracy.</summary>
    [JsonStringEnumMemberName("accuracy")]
    Accuracy,
    /// <summary><c>entropy</c>: per example, members weighted by how confident (low-entropy) their prediction is.</summary>
    [JsonStringEnumMemberName("entropy")]
    Entropy,
}
