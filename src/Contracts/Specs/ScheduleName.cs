using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>How the learning rate moves over a training run; written <c>constant</c>, <c>cosine</c> or <c>one-cycle</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleName>))]
public enum ScheduleName
{
    /// <summary><c>constant</c>: the base rate throughout.</summary>
    [JsonStringEnumMemberName("constant")]
    Constant,
    /// <summary><c>cosine</c>: cosine decay from the base rate to zero (Loshchilov &amp; Hutter 2017, without restarts).</summary>
    [JsonStringEnumMemberName("cosine")]
    Cosine,
    /// <summary><c>one-cycle</c>: warm-up to the base rate, then decay (Smith 2018).</summary>
    [JsonStringEnumMemberName("one-cycle")]
    OneCycle,
}
