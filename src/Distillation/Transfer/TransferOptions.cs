using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Transfer;

/// <summary>Which examples the student learns from, and in how many augmented views (Hinton et al. 2015 §3, §6).</summary>
public sealed record TransferOptions
{
    /// <summary>The stratified share of the source set kept, in (0, 1]; Hinton §6 used 3 %.</summary>
    public double Fraction { get; init; } = 1.0;

    /// <summary>Whether the student also sees hard labels; false makes an unlabeled transfer set (soft targets only).</summary>
    public bool Labeled { get; init; } = true;

    /// <summary>The stratified share of the transfer set whose hard labels are shown, in (0, 1]; the rest teach through soft targets alone.</summary>
    public double LabeledFraction { get; init; } = 1.0;

    /// <summary>Classes left out of the transfer set entirely (Hinton §3: the student never sees an example of them).</summary>
    public int[] OmitClasses { get; init; } = [];

    /// <summary>After training, raise the omitted classes' output bias until the student predicts them as often as the teachers do.</summary>
    public bool BiasCorrection { get; init; }

    /// <summary>The number of views: view 0 is the set as it is, views 1… are augmented copies, each with its own soft targets.</summary>
    public int Views { get; init; } = 1;

    /// <summary>How views after the first are augmented (fixed targets), or every epoch's images (online targets).</summary>
    public AugmentationKind Augmentation { get; init; } = AugmentationKind.Shift;

    /// <summary>The α of mixup's Beta(α, α) for online targets (each epoch's images blended in pairs); 0 for none.</summary>
    public double Mixup { get; init; }

    /// <summary>The seed that picks the fraction and draws the augmentations.</summary>
    public int Seed { get; init; } = 1;
}
