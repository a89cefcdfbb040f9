namespace Ensemble.Contracts.Reports;

/// <summary>A specialist's class set in <c>report.json</c>, with every model's accuracy on the test examples of those classes.</summary>
public sealed record ClassGroupReport
{
    /// <summary>The specialist that owns the classes, e.g. <c>specialist/0</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Its class indices, ascending.</summary>
    public required IReadOnlyList<int> Classes { get; init; }

    /// <summary>Model name → the share of test examples of these classes that model labels correctly.</summary>
    public required IReadOnlyDictionary<string, double> Accuracy { get; init; }

    /// <summary>
    /// The accuracy on <paramref name="classes"/> from a confusion matrix (rows true, columns predicted): the diagonal over
    /// those rows divided by the rows' total; null when the test set holds none of them.
    /// </summary>
    public static double? AccuracyOn(IReadOnlyList<int[]> confusion, IReadOnlyList<int> classes)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        long correct = 0, total = 0;
        foreach (var c in classes)
        {
            correct += confusion[c][c];
            total += confusion[c].Sum(n => (long)n);
        }

        return total == 0 ? null : (double)correct / total;
    }
}
