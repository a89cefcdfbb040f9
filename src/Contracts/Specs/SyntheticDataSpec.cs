namespace Ensemble.Contracts.Specs;

/// <summary>
/// <c>data.synthetic</c>: the seeded generator of Gaussian clusters in groups of confusable classes; used with <c>dataset: synthetic</c>.
/// Classes are numbered group by group; the run's <see cref="RunSpec.Seed"/> seeds the data.
/// </summary>
public sealed record SyntheticDataSpec
{
    /// <summary><c>group_sizes</c>: the number of classes in each group of confusable classes, each at least 1, at least 2 classes in all. Default [3, 3, 2, 2].</summary>
    public ValueList<int> GroupSizes { get; init; } = [3, 3, 2, 2];

    /// <summary><c>features</c>: features per example; at least the class count − 1. Default 32.</summary>
    public int Features { get; init; } = 32;

    /// <summary><c>train_per_class</c>: training examples per class; at least 1. Default 200.</summary>
    public int TrainPerClass { get; init; } = 200;

    /// <summary><c>test_per_class</c>: test examples per class; at least 1. Default 100.</summary>
    public int TestPerClass { get; init; } = 100;

    /// <summary><c>group_separation</c>: distance between group centres; greater than 0. Default 6.0.</summary>
    public double GroupSeparation { get; init; } = 6.0;

    /// <summary><c>class_separation</c>: distance between class centres inside a group; greater than 0. Default 1.5.</summary>
    public double ClassSeparation { get; init; } = 1.5;

    /// <summary><c>noise</c>: standard deviation of each feature around its class centre; greater than 0. Default 1.0.</summary>
    public double Noise { get; init; } = 1.0;

    /// <summary>The number of classes, the sum of <see cref="GroupSizes"/>; null when a group size is below 1.</summary>
    public int? ClassCount => GroupSizes.Count > 0 && GroupSizes.All(g => g >= 1) ? (int)Math.Min(GroupSizes.Sum(g => (long)g), int.MaxValue) : null;

    /// <summary>Every problem with this section.</summary>
    /// <param name="path">The section's path, normally <c>data.synthetic</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        string groups = SpecPath.Field(path, "group_sizes");
        if (GroupSizes.Count == 0) yield return new(groups, "must list at least one group");
        for (int i = 0; i < GroupSizes.Count; i++)
        {
            if (GroupSizes[i] < 1) yield return new(SpecPath.Item(groups, i), "must be >= 1");
        }

        if (ClassCount < 2) yield return new(groups, "need at least 2 classes in all");

        if (Features < 1)
        {
            yield return new(SpecPath.Field(path, "features"), "must be >= 1");
        }
        else if (ClassCount is int classes && Features < classes - 1)
        {
            // The class centres form nested regular simplices, which need classes − 1 dimensions.
            yield return new(SpecPath.Field(path, "features"), $"must be >= {classes - 1} (the class count - 1) to place {classes} class centres");
        }

        if (TrainPerClass < 1) yield return new(SpecPath.Field(path, "train_per_class"), "must be >= 1");
        if (TestPerClass < 1) yield return new(SpecPath.Field(path, "test_per_class"), "must be >= 1");
        if (!(GroupSeparation > 0) || !double.IsFinite(GroupSeparation)) yield return new(SpecPath.Field(path, "group_separation"), "must be a finite number > 0");
        if (!(ClassSeparation > 0) || !double.IsFinite(ClassSeparation)) yield return new(SpecPath.Field(path, "class_separation"), "must be a finite number > 0");
        if (!(Noise > 0) || !double.IsFinite(Noise)) yield return new(SpecPath.Field(path, "noise"), "must be a finite number > 0");
    }
}
