namespace Ensemble.Contracts.Specs;

/// <summary><c>distillation.transfer</c>: the transfer set, the examples on which the student matches the soft targets.</summary>
public sealed record TransferSpec
{
    /// <summary><c>fraction</c>: the fraction of the training set used as the transfer set, in (0, 1]. Default 1.0 (Hinton et al. 2015 §6 used 0.03).</summary>
    public double Fraction { get; init; } = 1.0;

    /// <summary><c>labeled</c>: whether the hard labels are used; false makes an unlabeled transfer set (soft targets only, so alpha must be 0). Default true.</summary>
    public bool Labeled { get; init; } = true;

    /// <summary>
    /// <c>labeled_fraction</c>: the stratified share of the transfer set whose hard labels the student sees, in (0, 1]; the other
    /// examples are unlabeled images that teach through their soft targets alone (semi-supervised distillation). The baseline
    /// trains on the labeled share only. Default 1.
    /// </summary>
    public double LabeledFraction { get; init; } = 1.0;

    /// <summary><c>omit_classes</c>: class indices left out of the transfer set, each in [0, classes) and listed once. Default none.</summary>
    public ValueList<int> OmitClasses { get; init; } = [];

    /// <summary><c>bias_correction</c>: after training, raise the omitted classes' output bias (Hinton et al. 2015 §3); needs omitted classes. Default false.</summary>
    public bool BiasCorrection { get; init; }

    /// <summary><c>views</c>: augmented views of the transfer set whose soft targets are precomputed (fixed targets only); at least 1. Default 1.</summary>
    public int Views { get; init; } = 1;

    /// <summary>
    /// <c>augmentation</c>: how views after the first are made (fixed targets), or how every epoch's images are drawn (online targets):
    /// shift or shift-flip; none is only allowed with one view. Default shift.
    /// </summary>
    public AugmentationName Augmentation { get; init; } = AugmentationName.Shift;

    /// <summary>
    /// <c>mixup</c>: the α of mixup's Beta(α, α) (Zhang et al. 2018): each epoch every transfer image is blended with another,
    /// x = λ·x_i + (1 − λ)·x_j, and teachers, student and baseline all see the blend (labels are blended alike). 0 turns it off;
    /// needs <c>targets: online</c>. Default 0.
    /// </summary>
    public double Mixup { get; init; }

    /// <summary>Every problem with this section.</summary>
    /// <param name="path">The section's path, normally <c>distillation.transfer</c>.</param>
    /// <param name="classCount">The dataset's class count when known (to check <see cref="OmitClasses"/>); null to skip that check.</param>
    public IEnumerable<SpecProblem> Validate(string path, int? classCount)
    {
        if (!(Fraction is > 0 and <= 1)) yield return new(SpecPath.Field(path, "fraction"), "must be in (0, 1]");
        if (!(LabeledFraction is > 0 and <= 1)) yield return new(SpecPath.Field(path, "labeled_fraction"), "must be in (0, 1]");
        else if (!Labeled && LabeledFraction < 1) yield return new(SpecPath.Field(path, "labeled_fraction"), "must be 1 with labeled: false (no label is shown at all)");
        if (!(Mixup >= 0) || !double.IsFinite(Mixup)) yield return new(SpecPath.Field(path, "mixup"), "must be a finite number >= 0 (the Beta(α, α) parameter; 0 is off)");
        if (Views < 1) yield return new(SpecPath.Field(path, "views"), "must be >= 1");
        if (Views > 1 && Augmentation == AugmentationName.None) yield return new(SpecPath.Field(path, "augmentation"), "must be shift or shift-flip when views > 1 (identical views add nothing)");

        string omit = SpecPath.Field(path, "omit_classes");
        var seen = new HashSet<int>();
        for (int i = 0; i < OmitClasses.Count; i++)
        {
            int c = OmitClasses[i];
            if (c < 0) yield return new(SpecPath.Item(omit, i), $"{c} is not a class index (must be >= 0)");
            else if (classCount is int k && c >= k) yield return new(SpecPath.Item(omit, i), $"{c} is not a class index (the dataset has {k} classes, 0 to {k - 1})");
            else if (!seen.Add(c)) yield return new(SpecPath.Item(omit, i), $"{c} is listed twice");
        }

        if (classCount is int classes && seen.Count >= classes) yield return new(omit, "leaves no class in the transfer set");
        if (BiasCorrection && OmitClasses.Count == 0) yield return new(SpecPath.Field(path, "bias_correction"), "needs at least one class in omit_classes");
    }
}
