using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Transfer;

/// <summary>
/// Builds the transfer set and its views from the teachers' training data. Everything is a function of the
/// options' seed, so the teacher that writes soft targets and the distiller that reads them, possibly on
/// different machines, see the same examples in the same order.
/// </summary>
public static class TransferSetBuilder
{
    /// <summary>The examples of <paramref name="source"/> the student learns from: omitted classes removed, then a stratified fraction.</summary>
    /// <exception cref="ArgumentException">An omitted class is not a class of the source, or nothing is left.</exception>
    public static Dataset Select(Dataset source, TransferOptions options) =>
        source.Subset(SelectIndices(source, options), $"{source.Name}/transfer");

    /// <summary>The rows of <paramref name="source"/> that <see cref="Select"/> keeps, in the transfer set's order.</summary>
    /// <exception cref="ArgumentException">An omitted class is not a class of the source, or nothing is left.</exception>
    public static int[] SelectIndices(Dataset source, TransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var c in options.OmitClasses)
        {
            if (c < 0 || c >= source.ClassCount)
            {
                throw new ArgumentException($"omit_classes: {c} is not a class of {source.Name} (0..{source.ClassCount - 1}).", nameof(options));
            }
        }

        var omitted = options.OmitClasses.ToHashSet();
        var kept = Enumerable.Range(0, source.Count).Where(i => !omitted.Contains(source.Labels[i])).ToArray();
        if (options.Fraction < 1 && kept.Length > 0)
        {
            kept = StratifiedDraw([.. kept.Select(i => source.Labels[i])], source.ClassCount, options.Fraction, options.Seed).Select(p => kept[p]).ToArray();
        }

        if (kept.Length == 0) throw new ArgumentException($"The transfer set drawn from {source.Name} is empty.", nameof(options));
        return kept;
    }

    /// <summary>
    /// The positions in <paramref name="transfer"/> whose hard labels the student sees: a stratified
    /// <see cref="TransferOptions.LabeledFraction"/> of them (all when it is 1), ascending.
    /// </summary>
    public static int[] LabeledRows(Dataset transfer, TransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        if (options.LabeledFraction >= 1) return Enumerable.Range(0, transfer.Count).ToArray();
        var labeled = StratifiedDraw(transfer.Labels, transfer.ClassCount, options.LabeledFraction, unchecked(options.Seed + 17)).Order().ToArray();
        if (labeled.Length == 0) throw new ArgumentException($"labeled_fraction {options.LabeledFraction} of {transfer.Count} transfer examples labels none.", nameof(options));
        return labeled;
    }

    /// <summary>
    /// A stratified <paramref name="fraction"/> of the positions 0…n−1 of <paramref name="labels"/>, in the seeded order of
    /// <see cref="Dataset.Split"/>'s validation part: the positions are split as a one-feature dataset and read back.
    /// </summary>
    private static IEnumerable<int> StratifiedDraw(int[] labels, int classCount, double fraction, int seed)
    {
        var positions = Enumerable.Range(0, labels.Length).Select(i => (float)i).ToArray();
        return new Dataset("rows", positions, [1], labels, classCount).Split(fraction, seed).Validation.Features.Select(f => (int)f);
    }

    /// <summary>The views of <paramref name="transfer"/>: itself first, then <c>Views − 1</c> augmented copies.</summary>
    public static IReadOnlyList<Dataset> Views(Dataset transfer, TransferOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Views, 1);
        var views = new List<Dataset>(options.Views) { transfer };
        for (var v = 1; v < options.Views; v++)
        {
            views.Add(ImageAugmentation.Apply(transfer, options.Augmentation, unchecked(options.Seed * 1_000_003 + v)));
        }

        return views;
    }
}
