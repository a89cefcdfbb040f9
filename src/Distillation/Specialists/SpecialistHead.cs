namespace Ensemble.Distillation.Specialists;

/// <summary>The output layer of a specialist (Hinton et al. 2015, §5).</summary>
public enum SpecialistHead
{
    /// <summary>|S| + 1 outputs: one per special class and one dustbin class for all the others.</summary>
    Dustbin,

    /// <summary>All K outputs, as the generalist; the non-special classes are summed into the dustbin when combining.</summary>
    Full,
}
