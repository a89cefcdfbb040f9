using Ensemble.Torch;

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
        if (specialistLogits.Dim != 2 || specialistLogits.Size(1) != width)
        {
            throw new ArgumentException($"a {head} specialist for {classes.Length} of {classCount} classes gives N×{width} logits, got shape [{string.Join(", ", specialistLogits.Shape)}]", nameof(specialistLogits));
        }

        using var scope = Torch.Torch.NewDisposeScope();
        var device = specialistLogits.Device;
        Tensor folded;
        if (head == SpecialistHead.Dustbin)
        {
            var offset = new double[width];
            offset[^1] = dustbinLogitCorrection;
            folded = specialistLogits + Torch.Torch.FromArray(offset).To(specialistLogits.DType, device);
        }
        else
        {
            var special = Torch.Torch.FromArray(Array.ConvertAll(classes, c => (long)c), device);
            var rest = Torch.Torch.FromArray(Array.ConvertAll(ClassSets.Complement(classes, classCount), c => (long)c), device);
            var restMass = specialistLogits.IndexSelect(1, rest).LogSumExp(1, keepDim: true) + dustbinLogitCorrection;
            folded = Tensor.Cat([specialistLogits.IndexSelect(1, special), restMass], 1);
        }

        return folded.Softmax(1).MoveToOuterScope();
    }
}
