using Ensemble.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Ensembles;

/// <summary>
/// Combines ensemble members' logits into one set of soft targets, carried as logits at a temperature:
/// the result z_e is such that softmax(z_e / T) is the ensemble's target distribution.
/// </summary>
public static class SoftTargetAggregator
{
    /// <summary>The floor on the arithmetic mean's probabilities, so that its log (the returned logits) is finite.</summary>
    public const double ProbabilityFloor = 1e-30;

    /// <summary>The ensemble's N×K logits at <paramref name="temperature"/> (no gradient flows back to the members).</summary>
    /// <param name="memberLogits">One N×K logit tensor per member, all the same shape.</param>
    /// <param name="method">How to combine (see <see cref="AggregationMethod"/>), with w_k the normalised weights and
    /// p_k = softmax(z_k/T):
    /// <list type="bullet">
    /// <item>Arithmetic: p̄ = Σ_k w_k p_k, returned as T·log max(p̄, floor); log p̄ is computed as
    /// logsumexp_k(log w_k + log p_k), so probabilities too small for the data type do not become log 0.</item>
    /// <item>Geometric: q ∝ Π_k p_k^{w_k}, i.e. log q = s − logsumexp(s) with s = Σ_k w_k log p_k; returned as T·log q.</item>
    /// <item>Logits: Σ_k w_k z_k. Its softmax at T equals the geometric mean's for any weights, since
    /// Σ_k w_k log p_k = Σ_k w_k z_k/T − Σ_k w_k log Σ_j exp(z_kj/T) and the last sum is constant per example.</item>
    /// </list></param>
    /// <param name="temperature">T, &gt; 0.</param>
    /// <param name="weights">Null for uniform; shape [n] for one weight per member; shape [N, n] for per-example weights.
    /// Non-negative; normalised here to sum to 1 (per example).</param>
    /// <exception cref="ArgumentException">No members, members of different shapes, bad weight shape, negative weights,
    /// or an example whose weights sum to zero.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not a finite number &gt; 0.</exception>
    public static Tensor Aggregate(IReadOnlyList<Tensor> memberLogits, AggregationMethod method, double temperature, Tensor? weights = null)
    {
        RequireMembers(memberLogits);
        TensorArguments.RequireTemperature(temperature, nameof(temperature));
        if (!Enum.IsDefined(method))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "unknown aggregation method");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var w = NormalisedWeights(memberLogits, weights).unsqueeze(2); // [N, n, 1]
        var stacked = stack(memberLogits.Select(z => z.detach()).ToList(), 1); // [N, n, K]
        Tensor result;
        switch (method)
        {
            case AggregationMethod.Arithmetic:
            {
                // log Σ_k w_k p_k = logsumexp_k(log w_k + log p_k); a zero weight gives log 0 = −∞, which logsumexp ignores.
                var logP = (stacked / temperature).log_softmax(2);
                var logMean = (w.log() + logP).logsumexp(1);
                result = logMean.clamp_min(Math.Log(ProbabilityFloor)) * temperature;
                break;
            }

            case AggregationMethod.Geometric:
            {
                var s = ((stacked / temperature).log_softmax(2) * w).sum(1); // Σ_k w_k log p_k
                result = (s - s.logsumexp(1, keepdim: true)) * temperature;
                break;
            }

            default:
                result = (stacked * w).sum(1);
                break;
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>softmax(z / T) over the classes of N×K logits: the distribution that logits at a temperature stand for.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is not a finite number &gt; 0.</exception>
    public static Tensor Probabilities(Tensor logits, double temperature)
    {
        TensorArguments.RequireMatrix(logits, nameof(logits));
        TensorArguments.RequireTemperature(temperature, nameof(temperature));
        using var scope = NewDisposeScope();
        return (logits / temperature).softmax(1).MoveToOuterDisposeScope();
    }

    internal static void RequireMembers(IReadOnlyList<Tensor> memberLogits)
    {
        ArgumentNullException.ThrowIfNull(memberLogits);
        if (memberLogits.Count == 0)
        {
            throw new ArgumentException("memberLogits is empty: an ensemble needs at least one member", nameof(memberLogits));
        }

        TensorArguments.RequireMatrix(memberLogits[0], "memberLogits[0]");
        for (var k = 1; k < memberLogits.Count; k++)
        {
            TensorArguments.RequireSameShape(memberLogits[0], "memberLogits[0]", memberLogits[k], $"memberLogits[{k}]");
        }
    }

    // [N, n] weights in the members' dtype and device, each row non-negative and summing to 1.
    private static Tensor NormalisedWeights(IReadOnlyList<Tensor> memberLogits, Tensor? weights)
    {
        var first = memberLogits[0];
        long n = memberLogits.Count, examples = first.size(0);
        if (weights is null)
        {
            return full([examples, n], 1.0 / n, first.dtype, first.device);
        }

        var shape = weights.shape;
        var perMember = shape.Length == 1 && shape[0] == n;
        var perExample = shape.Length == 2 && shape[0] == examples && shape[1] == n;
        if (!perMember && !perExample)
        {
            throw new ArgumentException(
                $"weights has shape {TensorArguments.Format(shape)}, but with {n} members of shape {TensorArguments.Format(first.shape)} " +
                $"it must be [{n}] (per member) or [{examples}, {n}] (per example)", nameof(weights));
        }

        var w = weights.detach().to(first.dtype, first.device);
        if (perMember)
        {
            w = w.unsqueeze(0).expand(examples, n);
        }

        if (w.lt(0).to(ScalarType.Float64).sum().ToDouble() > 0)
        {
            throw new ArgumentException("weights must be non-negative", nameof(weights));
        }

        var sums = w.sum(1, keepdim: true);
        var good = (long)(sums.gt(0).to(ScalarType.Float64) * sums.lt(double.PositiveInfinity).to(ScalarType.Float64)).sum().ToDouble();
        if (good != examples)
        {
            throw new ArgumentException(
                $"the weights of {examples - good} example(s) do not sum to a positive finite number; each example needs a member with weight > 0",
                nameof(weights));
        }

        return w / sums;
    }
}
