using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Specialists;

/// <summary>Turns a specialist's logits into a distribution over its classes plus the dustbin.</summary>
public static class SpecialistOutputs
{
    /// <summary>
    /// N×(|S| + 1) probabilities: one column per special class, in the order of <paramref name="classes"/>, then the
    /// dustbin (every other class), with the dustbin's logit raised by <paramref name="dustbinLogitCorrection"/>.
    /// </summary>
    /// <remarks>
    /// <see cref="SpecialistHead.Dustbin"/>: softmax([z_S, z_d + c]). <see cref="SpecialistHead.Full"/>: softmax over K
    /// folded into the dustbin, softmax([z_S, log Σ_{j∉S} exp z_j + c]) — the correction is applied as the same prior
    /// shift (+c on every non-special logit multiplies the non-special mass by e^c), because a full-softmax specialist
    /// trained on the enriched sample has learnt the same 1 : 1 prior. Pass
    /// <see cref="SpecialistSample.DustbinLogitCorrection"/> for a specialist trained on a <see cref="SpecialistSampler"/>
    /// sample, and 0 for one trained on the natural class frequencies.
    /// </remarks>
    /// <param name="specialistLogits">N×(|S| + 1) logits for a dustbin head, N×K for a full head.</param>
    /// <param name="classes">The specialist's classes, sorted ascending.</param>
    /// <param name="classCount">K, the number of classes in all.</param>
    /// <param name="head">Which output layer produced the logits.</param>
    /// <param name="dustbinLogitCorrection">Added to the dustbin's logit: log of the oversampling ratio.</param>
    /// <exception cref="ArgumentException">The shapes do not fit the head and classes, or the correction is not finite.</exception>
    public static Tensor ToDistribution(Tensor specialistLogits, int[] classes, int classCount, SpecialistHead head, double dustbinLogitCorrection)
    {
        ArgumentNullException.ThrowIfNull(specialistLogits);
        ClassSets.Validate(classes, nameof(classes), classCount);
        if (!double.IsFinite(dustbinLogitCorrection))
        {
            throw new ArgumentOutOfRangeException(nameof(dustbinLogitCorrection), dustbinLogitCorrection, "the correction must be finite");
        }

        var width = head switch
        {
            SpecialistHead.Dustbin => classes.Length + 1,
            SpecialistHead.Full => classCount,
            _ => throw new ArgumentOutOfRangeException(nameof(head), head, "unknown specialist head"),
        };
        if (specialistLogits.dim() != 2 || specialistLogits.size(1) != width)
        {
            throw new ArgumentException($"a {head} specialist for {classes.Length} of {classCount} classes gives N×{width} logits, got shape [{string.Join(", ", specialistLogits.shape)}]", nameof(specialistLogits));
        }

        using var scope = NewDisposeScope();
        var device = specialistLogits.device;
        Tensor folded;
        if (head == SpecialistHead.Dustbin)
        {
            var offset = new double[width];
            offset[^1] = dustbinLogitCorrection;
            folded = specialistLogits + tensor(offset).to(specialistLogits.dtype, device);
        }
        else
        {
            var special = tensor(Array.ConvertAll(classes, c => (long)c), device: device);
            var rest = tensor(Array.ConvertAll(ClassSets.Complement(classes, classCount), c => (long)c), device: device);
            var restMass = specialistLogits.index_select(1, rest).logsumexp(1, keepdim: true) + dustbinLogitCorrection;
            folded = cat([specialistLogits.index_select(1, special), restMass], 1);
        }

        return folded.softmax(1).MoveToOuterDisposeScope();
    }
}
