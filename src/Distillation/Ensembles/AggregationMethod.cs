namespace Ensemble.Distillation.Ensembles;

/// <summary>How the members' soft targets are combined into the ensemble's (see <see cref="SoftTargetAggregator"/>).</summary>
public enum AggregationMethod
{
    /// <summary>Weighted arithmetic mean of the members' probabilities at T (a mixture; keeps every member's modes).</summary>
    Arithmetic,

    /// <summary>Normalised weighted geometric mean of the members' probabilities at T (a product of experts; sharper).</summary>
    Geometric,

    /// <summary>
    /// Weighted mean of the members' logits. Its softmax at T is the same distribution as <see cref="Geometric"/> with the
    /// same weights (the members' log-normalisers are constant per example); only the returned logits differ by a shift.
    /// </summary>
    Logits,
}
