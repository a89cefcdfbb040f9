using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>Tests for <see cref="SyntheticDataset"/> and <see cref="SyntheticDatasetOptions"/>.</summary>
public sealed class SyntheticDatasetTests
{
    private static readonly SyntheticDatasetOptions Defaults = new() { Seed = 5 };

    /// <summary>The defaults give ten balanced classes of 32 features.</summary>
    [Fact]
    public void Generate_Defaults_HasRequestedShapeAndBalance()
    {
        var (train, test) = SyntheticDataset.Generate(Defaults);

        Assert.Equal(10, train.ClassCount);
        Assert.Equal([32], train.ExampleShape);
        Assert.Equal(2000, train.Count);
        Assert.Equal(1000, test.Count);
        Assert.All(train.CountPerClass(), n => Assert.Equal(200, n));
        Assert.All(test.CountPerClass(), n => Assert.Equal(100, n));
        Assert.Equal("g0.c0", train.ClassNames[0]);
        Assert.Equal("g3.c9", train.ClassNames[9]);
        // Shuffled, so a prefix holds many classes rather than class 0 only.
        Assert.True(train.Take(50).CountPerClass().Count(n => n > 0) >= 8);
    }

    /// <summary>The same options give identical data; a different seed gives different data.</summary>
    [Fact]
    public void Generate_Seed_IsDeterministic()
    {
        var (trainA, testA) = SyntheticDataset.Generate(Defaults);
        var (trainB, testB) = SyntheticDataset.Generate(Defaults with { });
        var (trainC, _) = SyntheticDataset.Generate(Defaults with { Seed = 6 });

        Assert.Equal(trainA.Features, trainB.Features);
        Assert.Equal(trainA.Labels, trainB.Labels);
        Assert.Equal(testA.Features, testB.Features);
        Assert.NotEqual(trainA.Features, trainC.Features);
    }

    /// <summary>The centres are exactly the requested distances apart.</summary>
    [Fact]
    public void ClassCentres_Defaults_AreAtRequestedDistances()
    {
        double[][] centres = SyntheticDataset.ClassCentres(Defaults);

        for (int a = 0; a < 10; a++)
        {
            for (int b = a + 1; b < 10; b++)
            {
                int groupA = Defaults.GroupOfClass(a), groupB = Defaults.GroupOfClass(b);
                double expected = groupA == groupB
                    ? 1.5
                    : Math.Sqrt(36 + Circumradius2(Defaults.GroupSizes[groupA]) + Circumradius2(Defaults.GroupSizes[groupB]));
                Assert.Equal(expected, Distance(centres[a], centres[b]), 9);
            }
        }
    }

    /// <summary>Empirical class means are much closer within a group than across groups.</summary>
    [Fact]
    public void Generate_ClassMeans_CloserWithinGroupThanAcross()
    {
        var (train, _) = SyntheticDataset.Generate(Defaults);
        double[][] means = ClassMeans(train);

        double maxWithin = 0, minAcross = double.MaxValue;
        for (int a = 0; a < 10; a++)
        {
            for (int b = a + 1; b < 10; b++)
            {
                double distance = Distance(means[a], means[b]);
                if (Defaults.GroupOfClass(a) == Defaults.GroupOfClass(b))
                {
                    maxWithin = Math.Max(maxWithin, distance);
                }
                else
                {
                    minAcross = Math.Min(minAcross, distance);
                }
            }
        }

        // With 200 examples a class mean is off by about sqrt(32/200) ≈ 0.4 in distance.
        Assert.InRange(maxWithin, 1.0, 2.5);
        Assert.InRange(minAcross, 5.0, 7.5);
    }

    /// <summary>
    /// A nearest-class-mean classifier (linear) errs mostly inside groups: clearly above chance there, far from perfect.
    /// </summary>
    [Fact]
    public void Generate_NearestMeanClassifier_ConfusesWithinGroupsOnly()
    {
        var (train, test) = SyntheticDataset.Generate(Defaults);
        double[][] means = ClassMeans(train);

        int correct = 0, withinGroupErrors = 0, acrossGroupErrors = 0;
        for (int i = 0; i < test.Count; i++)
        {
            double[] x = test.FeaturesOf(i).ToArray().Select(v => (double)v).ToArray();
            int predicted = Enumerable.Range(0, 10).MinBy(c => Distance(x, means[c]));
            int actual = test.Labels[i];
            if (predicted == actual)
            {
                correct++;
            }
            else if (Defaults.GroupOfClass(predicted) == Defaults.GroupOfClass(actual))
            {
                withinGroupErrors++;
            }
            else
            {
                acrossGroupErrors++;
            }
        }

        double accuracy = correct / (double)test.Count;
        // Chance within a group of 2–3 is 33–50%; Bayes accuracy is about 70%.
        Assert.InRange(accuracy, 0.55, 0.85);
        Assert.True(acrossGroupErrors <= 10, $"{acrossGroupErrors} errors across groups");
        Assert.True(withinGroupErrors > 100, $"{withinGroupErrors} errors within groups");
    }

    /// <summary>Group membership follows the group sizes in order.</summary>
    [Fact]
    public void GroupOfClass_GroupSizes_NumbersClassesGroupByGroup()
    {
        var options = new SyntheticDatasetOptions { GroupSizes = [3, 1, 2] };

        Assert.Equal(6, options.ClassCount);
        Assert.Equal([0, 0, 0, 1, 2, 2], Enumerable.Range(0, 6).Select(options.GroupOfClass));
        Assert.Equal([4, 5], options.ClassesInGroup(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.GroupOfClass(6));
    }

    /// <summary>Each out-of-range option is rejected with its own name.</summary>
    [Fact]
    public void Generate_InvalidOption_ThrowsNamingIt()
    {
        Assert.Equal("GroupSizes", Invalid(Defaults with { GroupSizes = [] }));
        Assert.Equal("GroupSizes", Invalid(Defaults with { GroupSizes = [2, 0] }));
        Assert.Equal("GroupSizes", Invalid(Defaults with { GroupSizes = [1] }));
        Assert.Equal("Features", Invalid(Defaults with { Features = 8 }));
        Assert.Equal("TrainPerClass", Invalid(Defaults with { TrainPerClass = 0 }));
        Assert.Equal("TestPerClass", Invalid(Defaults with { TestPerClass = -1 }));
        Assert.Equal("GroupSeparation", Invalid(Defaults with { GroupSeparation = 0 }));
        Assert.Equal("ClassSeparation", Invalid(Defaults with { ClassSeparation = double.NaN }));
        Assert.Equal("Noise", Invalid(Defaults with { Noise = -1 }));
    }

    /// <summary>The fewest features that still fit the centres (ClassCount − 1) work.</summary>
    [Fact]
    public void Generate_MinimumFeatures_KeepsExactDistances()
    {
        var options = Defaults with { Features = 9, TrainPerClass = 2, TestPerClass = 1 };

        double[][] centres = SyntheticDataset.ClassCentres(options);
        var (train, _) = SyntheticDataset.Generate(options);

        Assert.Equal([9], train.ExampleShape);
        Assert.Equal(1.5, Distance(centres[6], centres[7]), 9);
        Assert.Equal(Math.Sqrt(36 + Circumradius2(3) + Circumradius2(2)), Distance(centres[0], centres[9]), 9);
    }

    /// <summary>The squared distance from a class centre to its group centre: a regular k-simplex of edge 1.5.</summary>
    private static double Circumradius2(int k) => 1.5 * 1.5 * (k - 1) / (2.0 * k);

    private static string? Invalid(SyntheticDatasetOptions options) =>
        Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(options)).ParamName;

    private static double[][] ClassMeans(Dataset dataset)
    {
        var means = new double[dataset.ClassCount][];
        for (int c = 0; c < means.Length; c++)
        {
            means[c] = new double[dataset.FeatureCount];
        }

        int[] counts = dataset.CountPerClass();
        for (int i = 0; i < dataset.Count; i++)
        {
            ReadOnlySpan<float> row = dataset.FeaturesOf(i);
            double[] mean = means[dataset.Labels[i]];
            for (int d = 0; d < row.Length; d++)
            {
                mean[d] += row[d] / (double)counts[dataset.Labels[i]];
            }
        }

        return means;
    }

    private static double Distance(double[] a, double[] b) =>
        Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}
