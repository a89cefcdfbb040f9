using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>How confusable classes are grouped into specialists (Hinton et al. 2015 §5); written <c>confusion</c> or <c>covariance</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpecialistClustering>))]
public enum SpecialistClustering
{
    /// <summary><c>confusion</c>: cluster the generalist's confusion matrix on held-out data.</summary>
    [JsonStringEnumMemberName("confusion")]
    Confusion,
    /// <summary><c>covariance</c>: cluster the covariance matrix of the generalist's predictions, as in the paper.</summary>
    [JsonStringEnumMemberName("covariance")]
    Covariance,
}
