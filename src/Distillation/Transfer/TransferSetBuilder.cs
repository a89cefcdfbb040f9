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
    public static Dataset Select(Dataset source, TransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var c in options.OmitClasses)
        {
            if (c < 0 || c >= source.ClassCount)
            {
                throw new ArgumentException($"omit_classes: {c} is not a class of {source.Name} (0..{source.ClassCount - 1}).", nameof(options));
            }
        }

        var set = source;
        if (options.OmitClasses.Length > 0)
        {
            var omitted = options.OmitClasses.ToHashSet();
            var kept = Enumerable.Range(0, source.Count).Where(i => !omitted.Contains(source.Labels[i])).ToArray();
            set = source.Subset(kept, $"{source.Name}/transfer");
        }

        if (options.Fraction < 1)
        {
            set = set.Split(options.Fraction, options.Seed).Validation;
        }

        if (set.Count == 0) throw new ArgumentException($"The transfer set drawn from {source.Name} is empty.", nameof(options));
        return set;
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
