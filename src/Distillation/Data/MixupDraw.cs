namespace Ensemble.Distillation.Data;

/// <summary>
/// One epoch's mixup (Zhang et al. 2018, "mixup: Beyond Empirical Risk Minimization"): example i becomes
/// x̃_i = λ_i·x_i + (1 − λ_i)·x_{π(i)} with λ_i ~ Beta(α, α) and π a random permutation, its label the same blend of
/// one-hot labels. Drawn from a seed, so the student, its baseline and a resumed run all see the same blends.
/// </summary>
/// <param name="Mixed">The blended examples, carrying the original labels of the first image of each pair.</param>
/// <param name="Partners">π(i) for every example.</param>
/// <param name="Weights">λ_i for every example, in [0, 1].</param>
public sealed record MixupDraw(Dataset Mixed, int[] Partners, float[] Weights)
{
    /// <summary>Blends every example of <paramref name="dataset"/> with a random partner, with weights from Beta(<paramref name="alpha"/>, <paramref name="alpha"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not a finite number &gt; 0.</exception>
    public static MixupDraw Apply(Dataset dataset, double alpha, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var random = new Random(seed);
        var count = dataset.Count;
        var partners = Enumerable.Range(0, count).ToArray();
        random.Shuffle(partners);
        var weights = new float[count];
        for (var i = 0; i < count; i++) weights[i] = (float)BetaSampler.Sample(random, alpha);

        var size = dataset.FeatureCount;
        var source = dataset.Features;
        var mixed = new float[source.Length];
        Parallel.For(0, count, i =>
        {
            var lambda = weights[i];
            var x = source.AsSpan(i * size, size);
            var partner = source.AsSpan(partners[i] * size, size);
            var to = mixed.AsSpan(i * size, size);
            for (var f = 0; f < size; f++) to[f] = lambda * x[f] + (1 - lambda) * partner[f];
        });

        var blended = new Dataset($"{dataset.Name}+mixup{seed}", mixed, dataset.ExampleShape, dataset.Labels, dataset.ClassCount, dataset.ClassNames);
        return new MixupDraw(blended, partners, weights);
    }

    /// <summary>
    /// The blended labels, N×K row-major: λ_i·w_i at y_i plus (1 − λ_i)·w_{π(i)} at y_{π(i)}, with w the per-example label
    /// weights (1 when null; 0 for an unlabeled example, whose share of the blend then carries no hard label).
    /// </summary>
    public float[] LabelDistributions(float[]? labelWeights = null)
    {
        var (labels, classes) = (Mixed.Labels, Mixed.ClassCount);
        var result = new float[labels.Length * classes];
        for (var i = 0; i < labels.Length; i++)
        {
            var partner = Partners[i];
            result[i * classes + labels[i]] += Weights[i] * (labelWeights?[i] ?? 1);
            result[i * classes + labels[partner]] += (1 - Weights[i]) * (labelWeights?[partner] ?? 1);
        }

        return result;
    }
}
