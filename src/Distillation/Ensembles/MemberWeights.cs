using Ensemble.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Ensembles;

/// <summary>Weights for <see cref="SoftTargetAggregator.Aggregate"/>: per member, or per example and member.</summary>
public static class MemberWeights
{
    /// <summary>Per-member weights ∝ accuracy: <c>w_k = a_k / Σ_j a_j</c>, a float64 tensor [n] on the CPU.</summary>
    /// <remarks>
    /// Plain proportionality is the mildest data-driven weighting: members of an ensemble usually have similar
    /// accuracies, so the weights stay near uniform and no member can dominate; a member at chance level still counts.
    /// Sharper schemes (accuracy above chance, log-odds) would let small held-out noise decide the mixture.
    /// </remarks>
    /// <exception cref="ArgumentException">No accuracies, one outside [0, 1], or all zero.</exception>
    public static Tensor FromAccuracy(IReadOnlyList<double> accuracies)
    {
        ArgumentNullException.ThrowIfNull(accuracies);
        if (accuracies.Count == 0)
        {
            throw new ArgumentException("accuracies is empty: an ensemble needs at least one member", nameof(accuracies));
        }

        for (var k = 0; k < accuracies.Count; k++)
        {
            if (!(accuracies[k] >= 0 && accuracies[k] <= 1))
            {
                throw new ArgumentException($"accuracies[{k}] is {accuracies[k]}; an accuracy must lie in [0, 1]", nameof(accuracies));
            }
        }

        var total = accuracies.Sum();
        if (total == 0)
        {
            throw new ArgumentException("every accuracy is 0, so no member can be weighted", nameof(accuracies));
        }

        return tensor(accuracies.Select(a => a / total).ToArray());
    }

    /// <summary>
    /// Per-example weights [N, n] ∝ exp(−H_k) with H_k the entropy (nats) of softmax(z_k / T) on that example,
    /// normalised over the members: <c>w_nk = softmax_k(−H_nk)</c>. In the members' dtype and device, without gradient.
    /// </summary>
    /// <remarks>
    /// exp(H) is the perplexity, the effective number of classes a prediction spreads over, so each member counts in
    /// inverse proportion to it: on a given example a member that is sure (one class, exp(H) = 1) outweighs one that
    /// hesitates between four (exp(H) = 4) four to one. Confident members are not always right, so this suits
    /// members that are individually well calibrated.
    /// </remarks>
    /// <exception cref="ArgumentException">No members, or members of different shapes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not a finite number &gt; 0.</exception>
    public static Tensor FromEntropy(IReadOnlyList<Tensor> memberLogits, double temperature)
    {
        SoftTargetAggregator.RequireMembers(memberLogits);
        TensorArguments.RequireTemperature(temperature, nameof(temperature));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logP = (stack(memberLogits, 1) / temperature).log_softmax(2); // [N, n, K]
        var entropy = -(logP.exp() * logP).sum(2); // [N, n]
        return (-entropy).softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The weights <paramref name="weighting"/> asks for, ready for <see cref="SoftTargetAggregator.Aggregate"/>:
    /// null for uniform, [n] for accuracy, [N, n] for entropy.
    /// </summary>
    /// <exception cref="ArgumentException">Accuracy weighting without one accuracy per member.</exception>
    public static Tensor? For(MemberWeighting weighting, IReadOnlyList<Tensor> memberLogits, double temperature, IReadOnlyList<double>? accuracies = null)
    {
        ArgumentNullException.ThrowIfNull(memberLogits);
        switch (weighting)
        {
            case MemberWeighting.Uniform:
                return null;
            case MemberWeighting.Accuracy:
                if (accuracies is null || accuracies.Count != memberLogits.Count)
                {
                    throw new ArgumentException(
                        $"accuracy weighting needs one accuracy per member: {memberLogits.Count} member(s), {accuracies?.Count.ToString() ?? "no"} accuracies",
                        nameof(accuracies));
                }

                return FromAccuracy(accuracies);
            case MemberWeighting.Entropy:
                return FromEntropy(memberLogits, temperature);
            default:
                throw new ArgumentOutOfRangeException(nameof(weighting), weighting, "unknown member weighting");
        }
    }
}
