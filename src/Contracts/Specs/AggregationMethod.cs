using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>How member predictions are combined into soft targets; written <c>arithmetic</c>, <c>geometric</c> or <c>logits</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AggregationMethod>))]
public enum AggregationMethod
{
    /// <summary><c>arithmetic</c>: the (weighted) mean of member probabilities.</summary>
    [JsonStringEnumMemberName("arithmetic")]
    Arithmetic,
    /// <summary><c>geometric</c>: the normalised exponential of the (weighted) mean of member log-probabilities.</summary>
    [JsonStringEnumMemberName("geometric")]
    Geometric,
    /// <summary><c>logits</c>: the softmax of the (weighted) mean of member logits.</summary>
    [JsonStringEnumMemberName("logits")]
    Logits,
}
