namespace Ensemble.Distillation.Data;

/// <summary>Label-preserving changes to an image, drawn per example.</summary>
public enum AugmentationKind
{
    /// <summary>The images as they are.</summary>
    None,

    /// <summary>A random translation of up to <see cref="ImageAugmentation.MaxShift"/> pixels in each direction.</summary>
    Shift,

    /// <summary>A random translation and, with probability ½, a horizontal mirror image.</summary>
    ShiftFlip,
}
