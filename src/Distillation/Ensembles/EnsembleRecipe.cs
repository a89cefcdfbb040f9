using Ensemble.Distillation.Specialists;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Ensembles;

/// <summary>
/// How a run turns its members' logits (and its specialists' distributions) on a batch into soft targets. The one place
/// that does it, whether the logits were stored (fixed targets, the report) or computed on the student's batch (online targets).
/// </summary>
/// <param name="Method">How members are combined.</param>
/// <param name="Weighting">How members are weighted.</param>
/// <param name="Accuracies">Each member's validation accuracy, for accuracy weighting.</param>
/// <param name="TopN">How many of the generalist's most probable classes decide which specialists are consulted (eq. 5).</param>
public sealed record EnsembleRecipe(AggregationMethod Method, MemberWeighting Weighting, IReadOnlyList<double> Accuracies, int TopN)
{
    /// <summary>The aggregate's logits at <paramref name="temperature"/> with <paramref name="method"/> (the recipe's when null).</summary>
    public Tensor Aggregate(IReadOnlyList<Tensor> members, double temperature, AggregationMethod? method = null)
    {
        using var weights = MemberWeights.For(Weighting, members, temperature, Accuracies);
        return SoftTargetAggregator.Aggregate(members, method ?? Method, temperature, weights);
    }

    /// <summary>
    /// The eq. 5 combination (Hinton et al. 2015 §5) of the generalist — <paramref name="generalistLogits"/> at T = 1, or the
    /// aggregate at T = 1 when null — with <paramref name="specialists"/>, as probabilities; null when there are none.
    /// </summary>
    public Tensor? CombineWithSpecialists(IReadOnlyList<Tensor> members, IReadOnlyList<SpecialistPrediction> specialists, Tensor? generalistLogits = null)
    {
        if (specialists.Count == 0) return null;
        using var scope = NewDisposeScope();
        var generalist = SoftTargetAggregator.Probabilities(generalistLogits ?? Aggregate(members, 1), 1);
        return SpecialistCombiner.Combine(generalist, specialists, TopN).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Soft-target logits z_t as the distillation loss takes them (its target is softmax(z_t / T)): the aggregate at
    /// <paramref name="temperature"/>, or with specialists log q of the eq. 5 combination — the combined model's logits at
    /// T = 1, which the loss softens at its own T.
    /// </summary>
    public Tensor SoftTargetLogits(IReadOnlyList<Tensor> members, IReadOnlyList<SpecialistPrediction> specialists, double temperature)
    {
        using var combined = CombineWithSpecialists(members, specialists);
        return combined is null ? Aggregate(members, temperature) : combined.log();
    }
}
