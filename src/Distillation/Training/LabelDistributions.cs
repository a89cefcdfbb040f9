namespace Ensemble.Distillation.Training;

/// <summary>
/// Hard labels as rows of class distributions, N×K row-major, so that labelled and unlabeled examples (and mixup's blends)
/// share one cross-entropy: −Σ_i y_i log softmax(z)_i is the usual loss for a one-hot row and 0 for a zero row.
/// </summary>
public static class LabelDistributions
{
    /// <summary>Row n is <paramref name="weights"/>[n] (1 when null) at class <paramref name="labels"/>[n], 0 elsewhere.</summary>
    public static float[] OneHot(int[] labels, int classes, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var result = new float[labels.Length * classes];
        for (var n = 0; n < labels.Length; n++) result[n * classes + labels[n]] = weights?[n] ?? 1;
        return result;
    }

    /// <summary>Per-example weights: 1 for the <paramref name="labeledRows"/>, 0 for every other of <paramref name="count"/> rows.</summary>
    public static float[] Mask(int count, IEnumerable<int> labeledRows)
    {
        var mask = new float[count];
        foreach (var row in labeledRows) mask[row] = 1;
        return mask;
    }
}
