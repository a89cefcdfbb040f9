namespace Ensemble.Distillation.Specialists;

/// <summary>The training examples of one specialist and the prior shift its enriched sampling causes.</summary>
/// <param name="Indices">Indices into the natural training set, shuffled; special-class examples make up half of them.</param>
/// <param name="SpecialFraction">π: the share of the natural data whose label is one of the specialist's classes.</param>
/// <param name="OversamplingRatio">
/// The special : rest odds in the sample over those in the natural data, (s / r) / (π / (1 − π)) = ((1 − π)/π) · (s / r),
/// where s and r count the sample's special and rest examples. With the usual balanced sample (s = r) it is (1 − π)/π.
/// </param>
/// <remarks>
/// A specialist trained on this sample learns a special : rest prior of 1 : 1, but in the natural data it is π : (1 − π).
/// By Bayes' rule only the prior changes, and it changes the same way for every special class (all of them are kept), so
/// adding log(<see cref="OversamplingRatio"/>) to the dustbin's logit (or to every non-special logit of a full-softmax
/// specialist) turns its outputs back into posteriors under the natural prior: <see cref="DustbinLogitCorrection"/>,
/// the correction to pass to <see cref="SpecialistOutputs.ToDistribution"/>.
/// </remarks>
public sealed record SpecialistSample(int[] Indices, double SpecialFraction, double OversamplingRatio)
{
    /// <summary>log(<see cref="OversamplingRatio"/>): what to add to the dustbin logit to undo the oversampling.</summary>
    public double DustbinLogitCorrection => Math.Log(OversamplingRatio);
}
