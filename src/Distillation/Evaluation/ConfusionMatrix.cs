using Ensemble.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Evaluation;

/// <summary>Counts of (true class, predicted class) over a labelled set: row = true class, column = prediction.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[][] _counts;

    /// <summary>A matrix from counts (copied): <c>counts[t][p]</c> examples of class t predicted as p; square, non-negative.</summary>
    /// <exception cref="ArgumentException">The counts are not square, or one is negative.</exception>
    public ConfusionMatrix(int[][] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Length == 0)
        {
            throw new ArgumentException("counts is empty: a confusion matrix needs at least one class", nameof(counts));
        }

        _counts = new int[counts.Length][];
        for (var t = 0; t < counts.Length; t++)
        {
            if (counts[t] is null || counts[t].Length != counts.Length)
            {
                throw new ArgumentException($"counts[{t}] has {counts[t]?.Length.ToString() ?? "no"} columns but there are {counts.Length} rows; the matrix must be square", nameof(counts));
            }

            for (var p = 0; p < counts.Length; p++)
            {
                if (counts[t][p] < 0)
                {
                    throw new ArgumentException($"counts[{t}][{p}] is {counts[t][p]}; counts cannot be negative", nameof(counts));
                }
            }

            _counts[t] = (int[])counts[t].Clone();
        }

        Counts = Array.AsReadOnly(_counts.Select(row => (IReadOnlyList<int>)Array.AsReadOnly(row)).ToArray());
        Count = _counts.Sum(row => row.Sum());
        var diagonal = Enumerable.Range(0, ClassCount).Sum(c => _counts[c][c]);
        Accuracy = Count == 0 ? double.NaN : (double)diagonal / Count;
        PerClassAccuracy = Array.AsReadOnly(_counts.Select((row, c) =>
        {
            var total = row.Sum();
            return total == 0 ? (double?)null : (double)row[c] / total;
        }).ToArray());
    }

    /// <summary>
    /// Counts arg-max predictions against labels. <paramref name="predictionsOrProbabilities"/> is either an integer
    /// vector [N] of predicted classes, or N×K scores (probabilities or logits; the arg-max of each row is taken,
    /// the first on ties). <paramref name="labels"/> is int64 [N].
    /// </summary>
    /// <exception cref="ArgumentException">Shapes do not fit, K ≠ <paramref name="classes"/>, or a class is out of range.</exception>
    public static ConfusionMatrix From(Tensor predictionsOrProbabilities, Tensor labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(predictionsOrProbabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var shape = predictionsOrProbabilities.shape;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor predicted;
        if (shape.Length == 2)
        {
            if (shape[1] != classes)
            {
                throw new ArgumentException($"predictionsOrProbabilities has shape {TensorArguments.Format(shape)} but classes is {classes}; it must be [N, {classes}]", nameof(predictionsOrProbabilities));
            }

            predicted = predictionsOrProbabilities.argmax(1);
        }
        else if (shape.Length == 1 && predictionsOrProbabilities.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte)
        {
            predicted = predictionsOrProbabilities;
        }
        else
        {
            throw new ArgumentException(
                $"predictionsOrProbabilities must be integer predictions [N] or scores [N, {classes}], but has shape {TensorArguments.Format(shape)} and type {predictionsOrProbabilities.dtype}",
                nameof(predictionsOrProbabilities));
        }

        TensorArguments.RequireLabels(labels, nameof(labels), predicted, "the predictions");
        var p = predicted.to(ScalarType.Int64, CPU).data<long>().ToArray();
        var y = labels.to(ScalarType.Int64, CPU).data<long>().ToArray();
        HostPredictions.RequireLabelRange(y, classes);
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] < 0 || p[i] >= classes)
            {
                throw new ArgumentException($"prediction {i} is {p[i]}, outside the {classes} classes [0, {classes})", nameof(predictionsOrProbabilities));
            }
        }

        return FromArrays(p, y, classes);
    }

    internal static ConfusionMatrix FromArrays(IReadOnlyList<long> predicted, IReadOnlyList<long> labels, int classes)
    {
        var counts = new int[classes][];
        for (var c = 0; c < classes; c++) counts[c] = new int[classes];
        for (var i = 0; i < labels.Count; i++) counts[labels[i]][predicted[i]]++;
        return new ConfusionMatrix(counts);
    }

    /// <summary>The number of classes K.</summary>
    public int ClassCount => _counts.Length;

    /// <summary>The K×K counts, read-only: <c>Counts[t][p]</c> examples of class t predicted as p.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Counts { get; }

    /// <summary>Examples of class <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    public int this[int trueClass, int predictedClass] => _counts[trueClass][predictedClass];

    /// <summary>Examples counted.</summary>
    public int Count { get; }

    /// <summary>The fraction on the diagonal; NaN when nothing was counted.</summary>
    public double Accuracy { get; }

    /// <summary>Per true class, the fraction predicted correctly (the recall); null for a class with no examples.</summary>
    public IReadOnlyList<double?> PerClassAccuracy { get; }

    /// <summary>
    /// The <paramref name="top"/> largest off-diagonal counts, largest first (ties by class indices); zero counts are left out.
    /// Directed (true → predicted) by default; with <paramref name="symmetric"/>, each unordered pair {a, b} (a &lt; b)
    /// counts both directions, which is what grouping confusable classes wants.
    /// </summary>
    public IReadOnlyList<ConfusedPair> MostConfusedPairs(int top, bool symmetric = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        var pairs = new List<ConfusedPair>();
        for (var t = 0; t < ClassCount; t++)
        {
            for (var p = symmetric ? t + 1 : 0; p < ClassCount; p++)
            {
                var count = symmetric ? _counts[t][p] + _counts[p][t] : _counts[t][p];
                if (t != p && count > 0) pairs.Add(new ConfusedPair(t, p, count));
            }
        }

        return pairs
            .OrderByDescending(pair => pair.Count)
            .ThenBy(pair => pair.TrueClass)
            .ThenBy(pair => pair.PredictedClass)
            .Take(top)
            .ToList();
    }
}
