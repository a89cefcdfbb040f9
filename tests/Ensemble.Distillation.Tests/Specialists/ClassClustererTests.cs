using Ensemble.Distillation.Specialists;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Specialists;

public sealed class ClassClustererTests
{
    // One held-out example per class (label = row), so the expected confusion matrix C is these rows:
    // S = C + Cᵀ off the diagonal: S01 = 0.4 + 0.3 = 0.7, S23 = 0.1 + 0.1 = 0.2, S24 = 0.1 + 0.05 = 0.15, S34 = 0,
    // and 0 between {0, 1} and {2, 3, 4}.
    private static readonly double[,] s_fiveClasses =
    {
        { 0.6, 0.4, 0, 0, 0 },
        { 0.3, 0.7, 0, 0, 0 },
        { 0, 0, 0.8, 0.1, 0.1 },
        { 0, 0, 0.1, 0.9, 0 },
        { 0, 0, 0.05, 0, 0.95 },
    };

    [Fact]
    public void ExpectedConfusion_IsTheMeanPredictedDistributionPerLabel()
    {
        using var scope = NewDisposeScope();
        // Class 0: [0.6, 0.4, 0] and [0.8, 0.2, 0] → mean [0.7, 0.3, 0]; class 1: one example; class 2: none → zeros.
        var p = Tensors.Matrix(new double[,] { { 0.6, 0.4, 0 }, { 0.1, 0.9, 0 }, { 0.8, 0.2, 0 } });
        var c = ClassClusterer.ExpectedConfusion(p, Tensors.Labels(0, 1, 0));

        Assert.Equal(new double[,] { { 0.7, 0.3, 0 }, { 0.1, 0.9, 0 }, { 0, 0, 0 } }.Cast<double>(), c.Cast<double>(), new ToleranceComparer(1e-15));
    }

    [Fact]
    public void PredictionCovariance_OfTwoOppositeOneHotVectors()
    {
        using var scope = NewDisposeScope();
        // Mean [0.5, 0.5]; centred rows ±[0.5, −0.5]; Σ = (1/2)·2·[0.5, −0.5]ᵀ[0.5, −0.5] = [[0.25, −0.25], [−0.25, 0.25]].
        var sigma = ClassClusterer.PredictionCovariance(Tensors.Matrix(new double[,] { { 1, 0 }, { 0, 1 } }));

        Assert.Equal(new double[,] { { 0.25, -0.25 }, { -0.25, 0.25 } }.Cast<double>(), sigma.Cast<double>(), new ToleranceComparer(1e-15));
    }

    [Fact]
    public void Confusion_MergesTheMostConfusedPairsFirst_WithinMaxSize_RankedByWithinClusterConfusion()
    {
        using var scope = NewDisposeScope();
        var p = Tensors.Matrix(s_fiveClasses);
        var labels = Tensors.Labels(0, 1, 2, 3, 4);

        // Merges {0,1} (0.7), then {2,3} (0.2 > S24 = 0.15), then {2,3}+{4} (linkage (0.15 + 0)/2 = 0.075 > 0, size 3).
        // {0,1} and {2,3,4} have linkage 0 and would be too big anyway. Scores: {0,1}: (0.4 + 0.3)/2 = 0.35;
        // {2,3,4}: (C23 + C24 + C32 + C34 + C42 + C43)/3 = (0.1 + 0.1 + 0.1 + 0 + 0.05 + 0)/3 ≈ 0.117.
        var three = ClassClusterer.Cluster(p, labels, SpecialistClustering.Confusion, count: 5, maxSize: 3, seed: 0);
        Assert.Equal([[0, 1], [2, 3, 4]], three);

        // With pairs only, {2,3} (0.2) beats {2,4} (0.15) and 4 stays alone, so it is dropped.
        var pairs = ClassClusterer.Cluster(p, labels, SpecialistClustering.Confusion, count: 5, maxSize: 2, seed: 0);
        Assert.Equal([[0, 1], [2, 3]], pairs);

        var best = ClassClusterer.Cluster(p, labels, SpecialistClustering.Confusion, count: 1, maxSize: 3, seed: 0);
        Assert.Equal([[0, 1]], best);
    }

    [Fact]
    public void Confusion_NeverReturnsEveryClass_EvenWhenMaxSizeAllowsIt()
    {
        using var scope = NewDisposeScope();
        // Three classes that all confuse each other: a cluster of all three would leave a specialist no dustbin.
        var p = Tensors.Matrix(new double[,] { { 0.5, 0.3, 0.2 }, { 0.25, 0.5, 0.25 }, { 0.2, 0.3, 0.5 } });
        var clusters = ClassClusterer.Cluster(p, Tensors.Labels(0, 1, 2), SpecialistClustering.Confusion, count: 3, maxSize: 10, seed: 0);

        // S01 = 0.55, S02 = 0.4, S12 = 0.55: the first pair reached, {0, 1}, wins the tie; 2 is left alone.
        Assert.Equal([[0, 1]], clusters);
    }

    [Theory]
    [InlineData(SpecialistClustering.Confusion)]
    [InlineData(SpecialistClustering.Covariance)]
    public void BothMethods_RecoverPlantedGroups_MostConfusedFirst(SpecialistClustering method)
    {
        using var scope = NewDisposeScope();
        var (p, labels, groups) = PlantedGroups();
        var confusion = ClassClusterer.ExpectedConfusion(p, labels);

        var clusters = ClassClusterer.Cluster(p, labels, method, count: 10, maxSize: 3, seed: 7);

        Assert.Equal(groups.Select(Key).Order(), clusters.Select(Key).Order());
        var scores = clusters.Select(c => ClassClusterer.Score(confusion, c)).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.True(scores[0] > scores[^1], "the planted groups differ in confusability, so the scores should too");
    }

    [Fact]
    public void Covariance_SplitsClustersLargerThanMaxSize_AndIsDeterministicForASeed()
    {
        using var scope = NewDisposeScope();
        var (p, labels, groups) = PlantedGroups();

        // k = ⌈7/2⌉ = 4 clusters for 3 planted groups, one of them a triple: whatever k-means makes of that, no cluster
        // may exceed 2 classes, none may mix planted groups, and none may repeat a class.
        var first = ClassClusterer.Cluster(p, labels, SpecialistClustering.Covariance, count: 10, maxSize: 2, seed: 3);
        var again = ClassClusterer.Cluster(p, labels, SpecialistClustering.Covariance, count: 10, maxSize: 2, seed: 3);

        Assert.Equal(first, again);
        Assert.NotEmpty(first);
        Assert.All(first, c => Assert.Equal(2, c.Length));
        Assert.All(first, c => Assert.Single(groups, g => c.All(g.Contains)));
        Assert.Equal(first.Sum(c => c.Length), first.SelectMany(c => c).Distinct().Count());
        // The triple {0, 1, 2} cannot survive whole, but a pair of it does.
        Assert.Single(first, c => c.All(x => x <= 2));
    }

    [Fact]
    public void InvalidArguments_AreNamed()
    {
        using var scope = NewDisposeScope();
        var p = Tensors.Matrix(s_fiveClasses);
        var labels = Tensors.Labels(0, 1, 2, 3, 4);
        Assert.Equal("count", Assert.ThrowsAny<ArgumentException>(() => ClassClusterer.Cluster(p, labels, SpecialistClustering.Confusion, 0, 3, 0)).ParamName);
        Assert.Equal("maxSize", Assert.ThrowsAny<ArgumentException>(() => ClassClusterer.Cluster(p, labels, SpecialistClustering.Confusion, 1, 1, 0)).ParamName);
        var shortLabels = Assert.Throws<ArgumentException>(() => ClassClusterer.Cluster(p, Tensors.Labels(0, 1), SpecialistClustering.Confusion, 1, 3, 0));
        Assert.Equal("labels", shortLabels.ParamName);
        Assert.Contains("expected 5 labels", shortLabels.Message);
        var outOfRange = Assert.Throws<ArgumentException>(() => ClassClusterer.Cluster(p, Tensors.Labels(0, 1, 2, 3, 5), SpecialistClustering.Confusion, 1, 3, 0));
        Assert.Equal("labels", outOfRange.ParamName);
        Assert.Contains("label 5 of example 4", outOfRange.Message);
        var flat = Assert.Throws<ArgumentException>(() => ClassClusterer.Cluster(ones(5), labels, SpecialistClustering.Covariance, 1, 3, 0));
        Assert.Equal("generalistProbabilities", flat.ParamName);
    }

    /// <summary>
    /// Seven classes in planted groups {0,1,2}, {3,4}, {5,6}: 20 examples per class, each a softmax of logits that are
    /// high (3 ± noise) on the class's group, +1 more on the class itself, and −3 elsewhere. The pairs get a different
    /// in-group boost so the groups differ in confusability: {5,6} is the least confused.
    /// </summary>
    private static (Tensor P, Tensor Labels, int[][] Groups) PlantedGroups()
    {
        int[][] groups = [[0, 1, 2], [3, 4], [5, 6]];
        double[] ownBoost = [0.5, 0.8, 1.2];
        var random = new Random(11);
        const int k = 7, perClass = 20;
        var rows = new double[k * perClass, k];
        var labels = new long[k * perClass];
        for (var g = 0; g < groups.Length; g++)
        {
            foreach (var c in groups[g])
            {
                for (var e = 0; e < perClass; e++)
                {
                    var row = (c * perClass) + e;
                    labels[row] = c;
                    var logits = new double[k];
                    for (var j = 0; j < k; j++)
                    {
                        logits[j] = (groups[g].Contains(j) ? 3 : -3) + (j == c ? ownBoost[g] : 0) + (0.5 * ((2 * random.NextDouble()) - 1));
                    }

                    var z = logits.Sum(Math.Exp);
                    for (var j = 0; j < k; j++) rows[row, j] = Math.Exp(logits[j]) / z;
                }
            }
        }

        return (Tensors.Matrix(rows), tensor(labels), groups);
    }

    private static string Key(int[] classes) => string.Join(",", classes);
}
