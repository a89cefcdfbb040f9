using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>A network architecture; written <c>mlp</c> or <c>cnn</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelArchitecture>))]
public enum ModelArchitecture
{
    /// <summary><c>mlp</c>: a multilayer perceptron on the flattened input (fully connected layers of <see cref="ModelSection.Hidden"/> widths).</summary>
    [JsonStringEnumMemberName("mlp")]
    Mlp,
    /// <summary><c>cnn</c>: conv blocks of <see cref="ModelSection.Channels"/>, then one fully connected layer of <see cref="ModelSection.FcHidden"/>; needs image data.</summary>
    [JsonStringEnumMemberName("cnn")]
    Cnn,
}
