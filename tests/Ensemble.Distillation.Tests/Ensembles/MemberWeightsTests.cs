using Ensemble.Distillation.Ensembles;
using TorchSharp;
using static TorchSharp.torch;
using static Ensemble.Distillation.Tests.Losses.TestTensors;
using GradientCheck = Ensemble.Distillation.Tests.Losses.GradientCheck;

namespace Ensemble.Distillation.Tests.Ensembles;

public sealed class MemberWeightsTests
{
    [Fact]
    public void FromAccuracy_IsProportionalToAccuracy()
    {
        // [0.9, 0.6, 0.0] / 1.5 = [0.6, 0.4, 0].
        using var w = MemberWeights.FromAccuracy([0.9, 0.6, 0.0]);
        Assert.Equal([3L], w.shape);
        GradientCheck.AssertClose([0.6, 0.4, 0], Values(w), 1e-15);
    }

    [Theory]
    [InlineData(new double[0], "empty")]
    [InlineData(new[] { 0.5, 1.2 }, "accuracies[1] is 1.2")]
    [InlineData(new[] { 0.5, double.NaN }, "accuracies[1] is NaN")]
    [InlineData(new[] { 0.0, 0.0 }, "every accuracy is 0")]
    public void FromAccuracy_BadAccuracies_AreRejected(double[] accuracies, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => MemberWeights.FromAccuracy(accuracies));
        Assert.Equal("accuracies", error.ParamName);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void FromEntropy_WeighsEachExampleByInversePerplexity()
    {
        // Example 0: member A uniform over 4 classes, H = ln4, exp(−H) = 1/4;
        //            member B [½, ½, 0, 0] (logits −1000 underflow to exactly 0), H = ln2, exp(−H) = 1/2
        //            → weights [1/4, 1/2] / (3/4) = [1/3, 2/3].
        // Example 1: both uniform → [1/2, 1/2].
        using var scope = NewDisposeScope();
        var a = Matrix([[0, 0, 0, 0], [0, 0, 0, 0]]);
        var b = Matrix([[0, 0, -1000, -1000], [5, 5, 5, 5]]);
        var w = MemberWeights.FromEntropy([a, b], temperature: 1);
        Assert.Equal([2L, 2L], w.shape);
        GradientCheck.AssertClose([1.0 / 3, 2.0 / 3, 0.5, 0.5], Values(w), 1e-12);
    }

    [Fact]
    public void FromEntropy_UsesTheTemperature()
    {
        // Logits [2ln3, 0] at T = 2 → softmax ∝ [3, 1] = [¾, ¼], H = −¾ln¾ − ¼ln¼ ≈ 0.562335; the other member is
        // uniform over 2, H = ln2. Weights ∝ [exp(−0.562335), ½] ≈ [0.569877, 0.5] → ≈ [0.532656, 0.467344].
        using var scope = NewDisposeScope();
        var h = -(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25));
        var w0 = Math.Exp(-h);
        var w = Values(MemberWeights.FromEntropy([Matrix([[2 * Math.Log(3), 0]]), Matrix([[1, 1]])], temperature: 2));
        GradientCheck.AssertClose([w0 / (w0 + 0.5), 0.5 / (w0 + 0.5)], w, 1e-12);
        GradientCheck.AssertClose([0.5326564547312221, 0.467343545268778], w, 1e-12);
    }

    [Fact]
    public void For_DispatchesOnTheWeighting()
    {
        using var scope = NewDisposeScope();
        Tensor[] members = [Matrix([[0, 0], [1, 0]]), Matrix([[0, 3], [0, 0]])];
        Assert.Null(MemberWeights.For(MemberWeighting.Uniform, members, 1));
        Assert.Equal([2L], MemberWeights.For(MemberWeighting.Accuracy, members, 1, [0.5, 0.5])!.shape);
        Assert.Equal([2L, 2L], MemberWeights.For(MemberWeighting.Entropy, members, 1)!.shape);
        var error = Assert.Throws<ArgumentException>(() => MemberWeights.For(MemberWeighting.Accuracy, members, 1, [0.5]));
        Assert.Equal("accuracies", error.ParamName);
        Assert.Contains("2 member(s), 1 accuracies", error.Message);
    }
}
