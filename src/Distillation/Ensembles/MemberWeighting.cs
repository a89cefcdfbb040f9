namespace Ensemble.Distillation.Ensembles;

/// <summary>How much each ensemble member counts (see <see cref="MemberWeights"/>).</summary>
public enum MemberWeighting
{
    /// <summary>Every member the same.</summary>
    Uniform,

    /// <summary>Per member, proportional to its held-out accuracy.</summary>
    Accuracy,

    /// <summary>Per example, proportional to exp(−entropy) of the member's prediction: confident members count more.</summary>
    Entropy,
}
