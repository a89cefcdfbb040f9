using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>The optimizer of a training run; written <c>sgd</c> or <c>adamw</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerName>))]
public enum OptimizerName
{
    /// <summary><c>sgd</c>: stochastic gradient descent with momentum and L2 weight decay.</summary>
    [JsonStringEnumMemberName("sgd")]
    Sgd,
    /// <summary><c>adamw</c>: Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019).</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,
}
