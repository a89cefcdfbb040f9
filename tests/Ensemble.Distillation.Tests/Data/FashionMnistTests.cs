using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Tests.Data;

/// <summary>Tests against the real Fashion-MNIST files of the Debian package <c>dataset-fashion-mnist</c>.</summary>
public sealed class FashionMnistTests(FashionMnistTests.Fixture fixture) : IClassFixture<FashionMnistTests.Fixture>
{
    /// <summary>Loads Fashion-MNIST once for all the tests in the class.</summary>
    public sealed class Fixture
    {
        /// <summary>Loads both parts from the installed location.</summary>
        public Fixture() => (Train, Test) = DatasetCatalog.Load("fashion-mnist", null, fashionMnistDirectoryVariable: null);

        /// <summary>The 60000 training images.</summary>
        public Dataset Train { get; }

        /// <summary>The 10000 test images.</summary>
        public Dataset Test { get; }
    }

    /// <summary>Both parts have the published sizes, shape and classes.</summary>
    [Fact]
    public void Load_FashionMnist_HasPublishedSizes()
    {
        Assert.Equal(60000, fixture.Train.Count);
        Assert.Equal(10000, fixture.Test.Count);
        Assert.Equal([1, 28, 28], fixture.Train.ExampleShape);
        Assert.Equal(784, fixture.Test.FeatureCount);
        Assert.Equal(10, fixture.Train.ClassCount);
        Assert.Equal("T-shirt/top", fixture.Train.ClassNames[0]);
        Assert.Equal("Ankle boot", fixture.Test.ClassNames[9]);
        Assert.Equal(60000L * 784, fixture.Train.Features.LongLength);
    }

    /// <summary>Fashion-MNIST is balanced: 6000 training and 1000 test images per class.</summary>
    [Fact]
    public void Load_FashionMnist_IsBalanced()
    {
        Assert.All(fixture.Train.CountPerClass(), n => Assert.Equal(6000, n));
        Assert.All(fixture.Test.CountPerClass(), n => Assert.Equal(1000, n));
    }

    /// <summary>Known first labels (ankle boot, T-shirt) confirm the label files are read in order.</summary>
    [Fact]
    public void Load_FashionMnist_FirstLabelsMatchPublishedOrder()
    {
        Assert.Equal([9, 0, 0, 3, 0], fixture.Train.Labels[..5]);
        Assert.Equal([9, 2, 1, 1, 6], fixture.Test.Labels[..5]);
    }

    /// <summary>Standardized with the dataset's own constants, the training features have mean ≈ 0 and std ≈ 1.</summary>
    [Fact]
    public void Load_FashionMnist_FeaturesAreStandardized()
    {
        double sum = 0, sumSquares = 0;
        foreach (float x in fixture.Train.Features)
        {
            sum += x;
            sumSquares += (double)x * x;
        }

        double mean = sum / fixture.Train.Features.Length;
        double std = Math.Sqrt(sumSquares / fixture.Train.Features.Length - mean * mean);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.98, 1.02);
        Assert.Equal(-0.2860f / 0.3530f, fixture.Train.Features.Min(), 4);
        Assert.Equal((1f - 0.2860f) / 0.3530f, fixture.Train.Features.Max(), 4);
    }

    /// <summary>A stratified validation split of the training set keeps classes balanced.</summary>
    [Fact]
    public void Split_FashionMnistTrain_KeepsClassesBalanced()
    {
        var (train, validation) = fixture.Train.Split(0.1, seed: 1);

        Assert.All(train.CountPerClass(), n => Assert.Equal(5400, n));
        Assert.All(validation.CountPerClass(), n => Assert.Equal(600, n));
    }
}
