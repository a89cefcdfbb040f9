namespace Ensemble.Distillation.Specialists;

/// <summary>Relabels a dataset for a dustbin specialist.</summary>
public static class DustbinLabels
{
    /// <summary>
    /// Each label's position in <paramref name="classes"/> (0..|S|−1), or |S| (the dustbin) for a label outside them.
    /// </summary>
    /// <param name="labels">Class labels, each ≥ 0.</param>
    /// <param name="classes">The specialist's classes, sorted ascending.</param>
    /// <exception cref="ArgumentException">The classes are empty or unsorted, or a label is negative.</exception>
    public static int[] Map(int[] labels, int[] classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ClassSets.Validate(classes, nameof(classes));
        var mapped = new int[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0) throw new ArgumentException($"label {labels[i]} of example {i} is negative", nameof(labels));
            var position = Array.BinarySearch(classes, labels[i]);
            mapped[i] = position >= 0 ? position : classes.Length;
        }

        return mapped;
    }
}
