using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Losses;

/// <summary>
/// Logit standardization (Sun et al., CVPR 2024, "Logit Standardization in Knowledge Distillation"):
/// each example's logit vector becomes its z-score, so a student is asked to match the teacher's logit
/// relations rather than their magnitude, and each example in effect gets its own temperature.
/// </summary>
public static class LogitStandardization
{
    /// <summary>The default ε added to the standard deviation, as in the authors' code.</summary>
    public const double DefaultEpsilon = 1e-7;

    /// <summary>Per row: <c>(z − mean(z)) / (std(z) + ε)</c>, for N×K logits with K ≥ 2.</summary>
    /// <remarks>
    /// std is the unbiased (Bessel-corrected, ÷(K−1)) standard deviation: the authors' <c>normalize</c> calls
    /// <c>torch.std</c> with its default, and following it keeps our temperatures comparable with theirs. The choice
    /// is a constant factor √(K/(K−1)) on the result, which a base temperature absorbs. Softmax is unchanged by the
    /// shift; a row of equal logits becomes zeros (ε keeps the division finite). Differentiable.
    /// </remarks>
    /// <exception cref="ArgumentException">The logits are not N×K with K ≥ 2, or ε is negative.</exception>
    public static Tensor Apply(Tensor logits, double epsilon = DefaultEpsilon)
    {
        TensorArguments.RequireMatrix(logits, nameof(logits), minClasses: 2);
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a finite number ≥ 0");
        }

        using var scope = NewDisposeScope();
        var mean = logits.mean([1], keepdim: true);
        var std = logits.std(1, unbiased: true, keepdim: true);
        return ((logits - mean) / (std + epsilon)).MoveToOuterDisposeScope();
    }
}
