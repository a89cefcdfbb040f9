using System.Globalization;

namespace Ensemble.Distillation.Data;

/// <summary>
/// An in-memory labelled dataset: one row of features and one class label per example.
/// </summary>
/// <remarks>
/// The feature array is kept, not copied (Fashion-MNIST's is 188 MB), so callers must not change it
/// after handing it over. Every method that selects examples returns a new dataset with its own arrays.
/// </remarks>
public sealed class Dataset
{
    private readonly int[] _exampleShape;

    /// <summary>Creates a dataset after checking that the arrays agree with each other.</summary>
    /// <param name="name">A short name for logs and reports, e.g. <c>fashion-mnist/train</c>.</param>
    /// <param name="features">The features, <c>labels.Length × FeatureCount</c> values in row-major order; kept, not copied.</param>
    /// <param name="exampleShape">The shape of one example, e.g. <c>[1, 28, 28]</c> or <c>[32]</c>; every size at least 1.</param>
    /// <param name="labels">One class index per example, each in <c>[0, classCount)</c>; kept, not copied.</param>
    /// <param name="classCount">The number of classes (at least 1), which may exceed the largest label.</param>
    /// <param name="classNames">One name per class; null names the classes by their index.</param>
    /// <exception cref="ArgumentException">An argument is inconsistent with the others; its name is the parameter's.</exception>
    public Dataset(
        string name,
        float[] features,
        ReadOnlySpan<int> exampleShape,
        int[] labels,
        int classCount,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);

        if (exampleShape.IsEmpty)
        {
            throw new ArgumentException("The example shape needs at least one dimension.", nameof(exampleShape));
        }

        long featureCount = 1;
        foreach (int size in exampleShape)
        {
            if (size < 1)
            {
                throw new ArgumentException(
                    $"Every size in the example shape must be at least 1, got [{string.Join(", ", exampleShape.ToArray())}].",
                    nameof(exampleShape));
            }

            featureCount = Math.Min(featureCount * size, Array.MaxLength + 1L);
        }

        if (featureCount > Array.MaxLength)
        {
            throw new ArgumentException("The example shape has more features than one array can hold.", nameof(exampleShape));
        }

        if (features.LongLength != labels.LongLength * featureCount)
        {
            throw new ArgumentException(
                $"Expected {labels.Length} examples × {featureCount} features = {labels.LongLength * featureCount} values, got {features.Length}.",
                nameof(features));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException(
                    $"Label {labels[i]} of example {i} is outside [0, {classCount}).", nameof(labels));
            }
        }

        if (classNames is not null && classNames.Count != classCount)
        {
            throw new ArgumentException(
                $"Expected {classCount} class names, got {classNames.Count}.", nameof(classNames));
        }

        Name = name;
        Features = features;
        _exampleShape = exampleShape.ToArray();
        FeatureCount = (int)featureCount;
        Labels = labels;
        ClassCount = classCount;
        ClassNames = classNames is null
            ? Enumerable.Range(0, classCount).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray()
            : classNames.ToArray();
    }

    /// <summary>A short name for logs and reports.</summary>
    public string Name { get; }

    /// <summary>The features, <see cref="Count"/> × <see cref="FeatureCount"/> values in row-major order.</summary>
    public float[] Features { get; }

    /// <summary>The shape of one example, e.g. <c>[1, 28, 28]</c> for images or <c>[D]</c> for vectors (a copy).</summary>
    public int[] ExampleShape => (int[])_exampleShape.Clone();

    /// <summary>The number of features in one example: the product of <see cref="ExampleShape"/>.</summary>
    public int FeatureCount { get; }

    /// <summary>The class index of each example, in <c>[0, ClassCount)</c>.</summary>
    public int[] Labels { get; }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>One human-readable name per class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of examples.</summary>
    public int Count => Labels.Length;

    /// <summary>The features of one example.</summary>
    /// <param name="index">The example, in <c>[0, Count)</c>.</param>
    public ReadOnlySpan<float> FeaturesOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>How many examples each class has, indexed by class.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int label in Labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>A new dataset holding the given examples, in the given order (repeats allowed).</summary>
    /// <param name="indices">The examples to copy, each in <c>[0, Count)</c>.</param>
    /// <param name="name">The new dataset's name; null derives one from this dataset's.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Dataset Subset(ReadOnlySpan<int> indices, string? name = null)
    {
        var features = new float[(long)indices.Length * FeatureCount];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), index, $"Index {i} selects example {index}, but {Name} has {Count} examples.");
            }

            Features.AsSpan(index * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount, FeatureCount));
            labels[i] = Labels[index];
        }

        return new Dataset(name ?? $"{Name} (subset of {indices.Length})", features, _exampleShape, labels, ClassCount, ClassNames);
    }

    /// <summary>A new dataset holding the first <paramref name="count"/> examples.</summary>
    /// <param name="count">How many examples to keep, in <c>[0, Count]</c>.</param>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        var features = Features.AsSpan(0, count * FeatureCount).ToArray();
        var labels = Labels.AsSpan(0, count).ToArray();
        return new Dataset($"{Name} (first {count})", features, _exampleShape, labels, ClassCount, ClassNames);
    }

    /// <summary>
    /// Splits the examples into a training and a validation part, stratified by class and repeatable for a seed.
    /// </summary>
    /// <remarks>
    /// Each class sends <c>round(n × validationFraction)</c> of its <c>n</c> examples to validation, chosen at
    /// random; a class with at least two examples keeps at least one in each part. Both parts are then shuffled,
    /// so neither is ordered by class. The same dataset and seed always give the same split.
    /// </remarks>
    /// <param name="validationFraction">The share of each class that goes to validation, in (0, 1).</param>
    /// <param name="seed">The seed that picks the examples and orders each part.</param>
    /// <returns>The training part and the validation part; every example is in exactly one.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not in (0, 1).</exception>
    public (Dataset Train, Dataset Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1.");
        }

        var byClass = new List<int>[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            byClass[c] = [];
        }

        for (int i = 0; i < Count; i++)
        {
            byClass[Labels[i]].Add(i);
        }

        // One generator for the whole split: System.Random with a seed is stable across .NET versions.
        var random = new Random(seed);
        var train = new List<int>(Count);
        var validation = new List<int>(Count);
        foreach (var members in byClass)
        {
            int[] shuffled = [.. members];
            Shuffle(shuffled, random);
            int n = shuffled.Length;
            int validationCount = (int)Math.Round(n * validationFraction, MidpointRounding.AwayFromZero);
            if (n >= 2)
            {
                validationCount = Math.Clamp(validationCount, 1, n - 1);
            }

            validation.AddRange(shuffled.AsSpan(0, validationCount));
            train.AddRange(shuffled.AsSpan(validationCount));
        }

        int[] trainIndices = [.. train];
        int[] validationIndices = [.. validation];
        Shuffle(trainIndices, random);
        Shuffle(validationIndices, random);
        return (Subset(trainIndices, $"{Name}/train"), Subset(validationIndices, $"{Name}/validation"));
    }

    /// <summary>Fisher–Yates, written out so the order depends only on the generator's outputs.</summary>
    private static void Shuffle(Span<int> items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
