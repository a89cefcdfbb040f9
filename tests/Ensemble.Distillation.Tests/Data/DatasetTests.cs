using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>Tests for <see cref="Dataset"/>.</summary>
public sealed class DatasetTests
{
    /// <summary>A dataset of <paramref name="perClass"/> examples for each class, whose two features are (index, label).</summary>
    private static Dataset Make(int classes, int perClass)
    {
        int count = classes * perClass;
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % classes;
            features[2 * i] = i;
            features[2 * i + 1] = labels[i];
        }

        return new Dataset("toy", features, [2], labels, classes);
    }

    /// <summary>The constructor derives the counts and default class names.</summary>
    [Fact]
    public void Constructor_ValidArrays_ExposesShapeAndCounts()
    {
        var dataset = new Dataset("d", new float[2 * 6], [1, 2, 3], [0, 2], 3);

        Assert.Equal(2, dataset.Count);
        Assert.Equal(6, dataset.FeatureCount);
        Assert.Equal([1, 2, 3], dataset.ExampleShape);
        Assert.Equal(["0", "1", "2"], dataset.ClassNames);
        Assert.Equal([1, 0, 1], dataset.CountPerClass());
    }

    /// <summary>A feature array of the wrong length names the features parameter.</summary>
    [Fact]
    public void Constructor_FeatureLengthMismatch_NamesFeatures()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset("d", new float[5], [2], [0, 1, 1], 2));

        Assert.Equal("features", e.ParamName);
        Assert.Contains("3 examples × 2 features = 6 values, got 5", e.Message);
    }

    /// <summary>A label outside [0, classCount) names the labels parameter and the example.</summary>
    [Fact]
    public void Constructor_LabelOutOfRange_NamesLabels()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset("d", new float[3], [1], [0, 2, 1], 2));

        Assert.Equal("labels", e.ParamName);
        Assert.Contains("Label 2 of example 1", e.Message);
    }

    /// <summary>The wrong number of class names, or a bad shape, name their parameters.</summary>
    [Fact]
    public void Constructor_InconsistentArguments_NameTheirParameters()
    {
        Assert.Equal("classNames", Assert.Throws<ArgumentException>(
            () => new Dataset("d", new float[1], [1], [0], 2, ["a"])).ParamName);
        Assert.Equal("exampleShape", Assert.Throws<ArgumentException>(
            () => new Dataset("d", [], [0], [], 2)).ParamName);
        Assert.Equal("classCount", Assert.Throws<ArgumentOutOfRangeException>(
            () => new Dataset("d", [], [1], [], 0)).ParamName);
    }

    /// <summary>Subset copies the selected rows in order, repeats included.</summary>
    [Fact]
    public void Subset_Indices_CopiesRowsInOrder()
    {
        Dataset dataset = Make(classes: 3, perClass: 4);

        Dataset subset = dataset.Subset([5, 0, 5], "picked");

        Assert.Equal("picked", subset.Name);
        Assert.Equal([2, 0, 2], subset.Labels);
        Assert.Equal([5f, 2f, 0f, 0f, 5f, 2f], subset.Features);
        Assert.Equal(3, subset.ClassCount);
    }

    /// <summary>An index outside the dataset is rejected.</summary>
    [Fact]
    public void Subset_IndexOutOfRange_Throws()
    {
        Dataset dataset = Make(classes: 2, perClass: 2);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Subset([0, 4]));

        Assert.Equal("indices", e.ParamName);
    }

    /// <summary>Take keeps the first examples.</summary>
    [Fact]
    public void Take_Count_KeepsFirstExamples()
    {
        Dataset dataset = Make(classes: 3, perClass: 4);

        Dataset first = dataset.Take(4);

        Assert.Equal(4, first.Count);
        Assert.Equal([0, 1, 2, 0], first.Labels);
        Assert.Equal(3f, first.FeaturesOf(3)[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Take(13));
    }

    /// <summary>Each class is split in the requested proportion and every example lands in exactly one part.</summary>
    [Fact]
    public void Split_Stratified_SplitsEachClassInProportion()
    {
        Dataset dataset = Make(classes: 4, perClass: 50);

        var (train, validation) = dataset.Split(0.2, seed: 42);

        Assert.Equal([40, 40, 40, 40], train.CountPerClass());
        Assert.Equal([10, 10, 10, 10], validation.CountPerClass());
        var seen = train.Features.Where((_, i) => i % 2 == 0).Concat(validation.Features.Where((_, i) => i % 2 == 0))
            .Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (float)i), seen);
        // Rows stay intact: feature 1 is still the row's label.
        Assert.All(Enumerable.Range(0, train.Count), i => Assert.Equal(train.Labels[i], (int)train.FeaturesOf(i)[1]));
    }

    /// <summary>The same seed gives the same split; another seed gives another one.</summary>
    [Fact]
    public void Split_Seed_IsDeterministic()
    {
        Dataset dataset = Make(classes: 3, perClass: 30);

        var (trainA, validationA) = dataset.Split(0.3, seed: 7);
        var (trainB, validationB) = dataset.Split(0.3, seed: 7);
        var (trainC, _) = dataset.Split(0.3, seed: 8);

        Assert.Equal(trainA.Features, trainB.Features);
        Assert.Equal(validationA.Features, validationB.Features);
        Assert.NotEqual(trainA.Features, trainC.Features);
    }

    /// <summary>The parts are shuffled rather than ordered by class or index.</summary>
    [Fact]
    public void Split_Parts_AreShuffled()
    {
        Dataset dataset = Make(classes: 2, perClass: 100);

        var (train, _) = dataset.Split(0.5, seed: 1);

        float[] indices = train.Features.Where((_, i) => i % 2 == 0).ToArray();
        Assert.NotEqual(indices.Order(), indices);
        Assert.NotEqual(train.Labels.Order(), train.Labels);
    }

    /// <summary>Small classes keep at least one example in each part.</summary>
    [Fact]
    public void Split_TinyClass_KeepsOneExampleInEachPart()
    {
        var dataset = new Dataset("d", new float[5], [1], [0, 0, 1, 1, 1], 2);

        var (train, validation) = dataset.Split(0.1, seed: 3);

        Assert.Equal([1, 2], train.CountPerClass());
        Assert.Equal([1, 1], validation.CountPerClass());
    }

    /// <summary>A fraction outside (0, 1) is rejected.</summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Split_FractionOutsideOpenUnitInterval_Throws(double fraction)
    {
        Dataset dataset = Make(classes: 2, perClass: 5);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Split(fraction, seed: 0));

        Assert.Equal("validationFraction", e.ParamName);
    }
}
