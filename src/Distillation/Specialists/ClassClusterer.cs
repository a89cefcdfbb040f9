using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Specialists;

/// <summary>
/// Groups the classes a generalist confuses into disjoint sets, one per specialist (Hinton, Vinyals &amp; Dean 2015, §5).
/// </summary>
/// <remarks>
/// <para>
/// Both methods read the generalist's predicted probabilities on held-out data. Confusion is measured as
/// <em>expected</em> confusion, C_ij = mean over held-out examples of class i of p(j | x), rather than by counting
/// arg-max mistakes: it uses each example's whole distribution (the "dark knowledge" the specialists are meant to
/// sharpen), so it is non-zero and smooth even when the generalist rarely errs on a small held-out set, where hard
/// counts are mostly zeros and ties; and dividing by the class's example count keeps frequent classes from dominating.
/// </para>
/// <para>
/// Clusters are ranked by their within-cluster confusion, score(A) = (1/|A|) Σ_{i∈A} Σ_{j∈A, j≠i} C_ij: the mean, over
/// the cluster's classes, of the probability an example of one of them puts on the cluster's other classes — the
/// mistakes a specialist for A can repair. Both methods rank with it, so their rankings are comparable (the covariance
/// clustering itself does not look at the labels). A specialist needs at least one class outside its set, so cluster
/// sizes are capped at K − 1 as well as at maxSize.
/// </para>
/// </remarks>
public static class ClassClusterer
{
    /// <summary>
    /// At most <paramref name="count"/> disjoint class sets of size 2..<paramref name="maxSize"/>, each sorted ascending,
    /// most confusable first.
    /// </summary>
    /// <param name="generalistProbabilities">The generalist's predicted probabilities on held-out data, N×K.</param>
    /// <param name="labels">The held-out labels, N integers in [0, K).</param>
    /// <param name="method">
    /// <see cref="SpecialistClustering.Confusion"/>: start from singletons and repeatedly merge the two clusters with the
    /// highest average linkage of S = C + Cᵀ, as long as the merged cluster has at most maxSize classes and the linkage is
    /// positive. <see cref="SpecialistClustering.Covariance"/>: each class is the point in R^K given by its column of the
    /// K×K covariance matrix of the predicted probability vectors; k-means (k-means++ seeding from <paramref name="seed"/>,
    /// Lloyd iterations until stable) with k = ⌈K / maxSize⌉, then every cluster larger than maxSize is split by 2-means
    /// (same generator) until none is; singletons are dropped.
    /// </param>
    /// <param name="count">The most sets to return (≥ 1).</param>
    /// <param name="maxSize">The most classes in one set (≥ 2).</param>
    /// <param name="seed">Seeds k-means; the confusion method is deterministic and ignores it.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the shapes disagree; the exception names it.</exception>
    public static IReadOnlyList<int[]> Cluster(Tensor generalistProbabilities, Tensor labels, SpecialistClustering method, int count, int maxSize, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 2);
        var confusion = ExpectedConfusion(generalistProbabilities, labels);
        var k = confusion.GetLength(0);
        var sizeLimit = Math.Min(maxSize, k - 1);
        var clusters = method switch
        {
            SpecialistClustering.Confusion => Agglomerate(confusion, sizeLimit),
            SpecialistClustering.Covariance => KMeansOnCovariance(PredictionCovariance(generalistProbabilities), sizeLimit, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown clustering method"),
        };

        return clusters
            .Where(c => c.Length >= 2)
            .Select(c => (Classes: c, Score: Score(confusion, c)))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.Classes[0])
            .Take(count)
            .Select(c => c.Classes)
            .ToList();
    }

    /// <summary>
    /// The expected confusion matrix: C[i, j] = mean over the examples labelled i of p(j | x); a row is zero for a class
    /// without examples. Each row with examples sums to 1.
    /// </summary>
    /// <param name="generalistProbabilities">Predicted probabilities, N×K.</param>
    /// <param name="labels">Labels, N integers in [0, K).</param>
    /// <exception cref="ArgumentException">The shapes disagree or a label is out of range.</exception>
    public static double[,] ExpectedConfusion(Tensor generalistProbabilities, Tensor labels)
    {
        var (p, n, k) = ReadProbabilities(generalistProbabilities);
        var y = ReadLabels(labels, n, k);
        var sums = new double[k, k];
        var counts = new int[k];
        for (var e = 0; e < n; e++)
        {
            counts[y[e]]++;
            for (var j = 0; j < k; j++) sums[y[e], j] += p[(e * k) + j];
        }

        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++) sums[i, j] = counts[i] == 0 ? 0 : sums[i, j] / counts[i];
        }

        return sums;
    }

    /// <summary>
    /// The K×K covariance matrix of the predicted probability vectors, Σ = (1/N) Σ_x (p(x) − p̄)(p(x) − p̄)ᵀ
    /// (Hinton et al. 2015, §5.2); the 1/N normalisation does not change a k-means clustering.
    /// </summary>
    /// <param name="generalistProbabilities">Predicted probabilities, N×K.</param>
    /// <exception cref="ArgumentException">The tensor is not N×K with N ≥ 1 and K ≥ 2.</exception>
    public static double[,] PredictionCovariance(Tensor generalistProbabilities)
    {
        CheckShape(generalistProbabilities);
        using var scope = NewDisposeScope();
        var n = generalistProbabilities.size(0);
        var k = (int)generalistProbabilities.size(1);
        var p = generalistProbabilities.detach().to(ScalarType.Float64, CPU);
        var centred = p - p.mean([0], keepdim: true);
        var values = (centred.t().matmul(centred) / n).contiguous().data<double>().ToArray();
        var covariance = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++) covariance[i, j] = values[(i * k) + j];
        }

        return covariance;
    }

    /// <summary>score(A) = (1/|A|) Σ_{i∈A} Σ_{j∈A, j≠i} C_ij: the mean in-cluster mistaken mass of the cluster's classes.</summary>
    internal static double Score(double[,] confusion, int[] cluster)
    {
        double sum = 0;
        foreach (var i in cluster)
        {
            foreach (var j in cluster)
            {
                if (i != j) sum += confusion[i, j];
            }
        }

        return sum / cluster.Length;
    }

    /// <summary>Average-linkage agglomeration of S = C + Cᵀ under a size limit; ties go to the pair that comes first.</summary>
    private static List<int[]> Agglomerate(double[,] confusion, int sizeLimit)
    {
        var clusters = Enumerable.Range(0, confusion.GetLength(0)).Select(c => new[] { c }).ToList();
        while (true)
        {
            var (bestA, bestB, best) = (-1, -1, 0.0);
            for (var a = 0; a < clusters.Count; a++)
            {
                for (var b = a + 1; b < clusters.Count; b++)
                {
                    if (clusters[a].Length + clusters[b].Length > sizeLimit) continue;
                    var linkage = AverageLinkage(confusion, clusters[a], clusters[b]);
                    if (linkage > best) (bestA, bestB, best) = (a, b, linkage);
                }
            }

            if (bestA < 0) return clusters;
            clusters[bestA] = [.. clusters[bestA].Concat(clusters[bestB]).Order()];
            clusters.RemoveAt(bestB);
        }
    }

    /// <summary>L(A, B) = (1 / |A||B|) Σ_{a∈A, b∈B} (C_ab + C_ba).</summary>
    private static double AverageLinkage(double[,] confusion, int[] a, int[] b)
    {
        double sum = 0;
        foreach (var i in a)
        {
            foreach (var j in b) sum += confusion[i, j] + confusion[j, i];
        }

        return sum / (a.Length * b.Length);
    }

    private static List<int[]> KMeansOnCovariance(double[,] covariance, int sizeLimit, int seed)
    {
        var k = covariance.GetLength(0);
        var points = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Select(j => covariance[j, i]).ToArray()).ToArray();
        var random = new Random(seed);
        var clusterCount = Math.Min(k, (k + sizeLimit - 1) / sizeLimit);
        var assignment = KMeans.Assign(points, clusterCount, random);
        var pending = new Stack<int[]>(Enumerable.Range(0, clusterCount)
            .Select(c => Enumerable.Range(0, k).Where(i => assignment[i] == c).ToArray())
            .Where(c => c.Length > 0)
            .Reverse());
        var done = new List<int[]>();
        while (pending.TryPop(out var cluster))
        {
            if (cluster.Length <= sizeLimit)
            {
                done.Add(cluster);
                continue;
            }

            var halves = KMeans.Assign(cluster.Select(i => points[i]).ToArray(), 2, random);
            var first = cluster.Where((_, i) => halves[i] == 0).ToArray();
            var second = cluster.Where((_, i) => halves[i] == 1).ToArray();
            if (first.Length == 0 || second.Length == 0)
            {
                // Identical points cannot be told apart: split them in order instead.
                (first, second) = (cluster[..(cluster.Length / 2)], cluster[(cluster.Length / 2)..]);
            }

            pending.Push(second);
            pending.Push(first);
        }

        return done;
    }

    private static void CheckShape(Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities, "generalistProbabilities");
        if (probabilities.dim() != 2 || probabilities.size(0) < 1 || probabilities.size(1) < 2)
        {
            throw new ArgumentException($"expected N×K probabilities with N ≥ 1 and K ≥ 2, got shape [{string.Join(", ", probabilities.shape)}]", "generalistProbabilities");
        }
    }

    private static (double[] Values, int N, int K) ReadProbabilities(Tensor probabilities)
    {
        CheckShape(probabilities);
        using var scope = NewDisposeScope();
        var values = probabilities.detach().to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
        return (values, (int)probabilities.size(0), (int)probabilities.size(1));
    }

    private static int[] ReadLabels(Tensor labels, int n, int k)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || labels.size(0) != n)
        {
            throw new ArgumentException($"expected {n} labels (one per row of the probabilities), got shape [{string.Join(", ", labels.shape)}]", nameof(labels));
        }

        long[] y;
        using (NewDisposeScope())
        {
            y = labels.to(ScalarType.Int64, CPU).contiguous().data<long>().ToArray();
        }

        var bad = Array.FindIndex(y, l => l < 0 || l >= k);
        if (bad >= 0) throw new ArgumentException($"label {y[bad]} of example {bad} is outside [0, {k})", nameof(labels));
        return Array.ConvertAll(y, l => (int)l);
    }
}
