using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Specialists;

/// <summary>A trained specialist network and what turns its logits into a distribution over its classes plus the dustbin.</summary>
/// <param name="Model">The network, in evaluation mode; owned by the record's holder.</param>
/// <param name="Classes">Its classes S, sorted ascending.</param>
/// <param name="ClassCount">K, the classes of the whole problem.</param>
/// <param name="Head">Its output layer.</param>
/// <param name="DustbinCorrection">Added to the dustbin's logit: log of the oversampling ratio it was trained with.</param>
public sealed record TrainedSpecialist(nn.Module<Tensor, Tensor> Model, int[] Classes, int ClassCount, SpecialistHead Head, double DustbinCorrection)
{
    /// <summary>Its prediction for <paramref name="images"/> (no gradient); the caller disposes the distribution.</summary>
    public SpecialistPrediction Predict(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var distribution = SpecialistOutputs.ToDistribution(Model.call(images), Classes, ClassCount, Head, DustbinCorrection);
        return new SpecialistPrediction(Classes, distribution.MoveToOuterDisposeScope());
    }
}
