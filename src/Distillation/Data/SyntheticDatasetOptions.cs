namespace Ensemble.Distillation.Data;

/// <summary>
/// Settings for <see cref="SyntheticDataset"/>: Gaussian clusters in groups of mutually confusable classes.
/// </summary>
/// <remarks>
/// Group centres lie <see cref="GroupSeparation"/> apart from each other and the class centres inside a group
/// <see cref="ClassSeparation"/> apart, so a classifier mixes up classes within a group far more than across groups.
/// Classes are numbered group by group: with <c>GroupSizes = [3, 3, 2, 2]</c>, classes 0–2 form group 0,
/// 3–5 group 1, 6–7 group 2 and 8–9 group 3.
/// </remarks>
public sealed record SyntheticDatasetOptions
{
    /// <summary>The number of classes in each group; the class count is their sum (at least 2).</summary>
    public int[] GroupSizes { get; init; } = [3, 3, 2, 2];

    /// <summary>The number of features per example; at least <see cref="ClassCount"/> − 1.</summary>
    public int Features { get; init; } = 32;

    /// <summary>The number of training examples per class (at least 1).</summary>
    public int TrainPerClass { get; init; } = 200;

    /// <summary>The number of test examples per class (at least 1).</summary>
    public int TestPerClass { get; init; } = 100;

    /// <summary>The distance between any two group centres (positive, typically several times <see cref="Noise"/>).</summary>
    public double GroupSeparation { get; init; } = 6.0;

    /// <summary>The distance between any two class centres in the same group (positive, typically about <see cref="Noise"/>).</summary>
    public double ClassSeparation { get; init; } = 1.5;

    /// <summary>The standard deviation of each feature around its class centre (positive).</summary>
    public double Noise { get; init; } = 1.0;

    /// <summary>The seed; the same options always give the same data.</summary>
    public int Seed { get; init; }

    /// <summary>The number of classes: the sum of <see cref="GroupSizes"/> (0 while they are unset).</summary>
    public int ClassCount
    {
        get
        {
            long sum = 0;
            foreach (int size in GroupSizes ?? [])
            {
                sum += size;
            }

            return (int)Math.Clamp(sum, 0, int.MaxValue);
        }
    }

    /// <summary>The group a class belongs to.</summary>
    /// <param name="classIndex">A class in <c>[0, ClassCount)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The class does not exist.</exception>
    public int GroupOfClass(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        int first = 0;
        for (int g = 0; g < GroupSizes.Length; g++)
        {
            first += GroupSizes[g];
            if (classIndex < first)
            {
                return g;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, $"There are only {ClassCount} classes.");
    }

    /// <summary>The classes in a group, in ascending order.</summary>
    /// <param name="group">A group in <c>[0, GroupSizes.Length)</c>.</param>
    public IReadOnlyList<int> ClassesInGroup(int group)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, GroupSizes.Length);
        int first = GroupSizes.AsSpan(0, group).ToArray().Sum();
        return Enumerable.Range(first, GroupSizes[group]).ToArray();
    }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; <see cref="ArgumentException.ParamName"/> is the option's name.</exception>
    public void Validate()
    {
        if (GroupSizes is null || GroupSizes.Length == 0)
        {
            throw new ArgumentException("At least one group is needed.", nameof(GroupSizes));
        }

        foreach (int size in GroupSizes)
        {
            if (size < 1)
            {
                throw new ArgumentException(
                    $"Every group needs at least one class, got [{string.Join(", ", GroupSizes)}].", nameof(GroupSizes));
            }
        }

        if (ClassCount < 2)
        {
            throw new ArgumentException("At least two classes are needed in all.", nameof(GroupSizes));
        }

        // The centres form nested regular simplices, which need ClassCount − 1 dimensions.
        if (Features < Math.Max(1, ClassCount - 1))
        {
            throw new ArgumentException(
                $"Need at least ClassCount − 1 = {ClassCount - 1} features to place {ClassCount} class centres at the requested distances, got {Features}.",
                nameof(Features));
        }

        if (TrainPerClass < 1)
        {
            throw new ArgumentException($"Must be at least 1, got {TrainPerClass}.", nameof(TrainPerClass));
        }

        if (TestPerClass < 1)
        {
            throw new ArgumentException($"Must be at least 1, got {TestPerClass}.", nameof(TestPerClass));
        }

        if ((long)Math.Max(TrainPerClass, TestPerClass) * ClassCount * Features > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{Math.Max(TrainPerClass, TestPerClass)} examples × {ClassCount} classes × {Features} features is more than one array can hold.",
                TrainPerClass >= TestPerClass ? nameof(TrainPerClass) : nameof(TestPerClass));
        }

        CheckPositive(GroupSeparation, nameof(GroupSeparation));
        CheckPositive(ClassSeparation, nameof(ClassSeparation));
        CheckPositive(Noise, nameof(Noise));
    }

    private static void CheckPositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentException($"Must be finite and positive, got {value}.", name);
        }
    }
}
