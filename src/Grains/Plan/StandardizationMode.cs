namespace Ensemble.Grains.Plan;

/// <summary>Which distilled students a run trains.</summary>
public enum StandardizationMode
{
    /// <summary>Only <c>student</c>: Hinton's loss on raw logits.</summary>
    Off,

    /// <summary>Only <c>student-ls</c>: Hinton's loss on standardized logits.</summary>
    On,

    /// <summary>Both; the one with the better validation accuracy is exported.</summary>
    Compare,
}
