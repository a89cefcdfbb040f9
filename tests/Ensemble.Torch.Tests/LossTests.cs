using Ensemble.Torch;

namespace Ensemble.Torch.Tests;

/// <summary>Loss values against the formulas computed directly in C#.</summary>
public sealed class LossTests
{
    private static readonly double[] s_logits = [2.0, -1.0, 0.5, 0.0, 3.0, 1.0, -2.0, 0.25, 0.75];
    private static readonly long[] s_labels = [0, 1, 2];

    private static double[] LogSoftmaxRow(double[] values, int row, int columns)
    {
        var r = values.Skip(row * columns).Take(columns).ToArray();
        var max = r.Max();
        var lse = max + Math.Log(r.Sum(v => Math.Exp(v - max)));
        return r.Select(v => v - lse).ToArray();
    }

    [Fact]
    public void CrossEntropy_EachReduction_MatchesNegativeLogSoftmaxOfTheLabel()
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Torch.FromArray<double>(s_logits, [3, 3]);
        var labels = Torch.FromArray(s_labels);
        var perSample = Enumerable.Range(0, 3).Select(r => -LogSoftmaxRow(s_logits, r, 3)[s_labels[r]]).ToArray();

        var none = Functional.CrossEntropy(logits, labels, Reduction.None).ToArray<double>();
        var sum = Functional.CrossEntropy(logits, labels, Reduction.Sum).Item();
        var mean = Functional.CrossEntropy(logits, labels).Item();

        for (var i = 0; i < 3; i++) Assert.Equal(perSample[i], none[i], 12);
        Assert.Equal(perSample.Sum(), sum, 12);
        Assert.Equal(perSample.Average(), mean, 12);
    }

    [Fact]
    public void CrossEntropy_LabelSmoothing_MixesTheUniformTarget()
    {
        using var scope = Torch.NewDisposeScope();
        const double epsilon = 0.2;
        var expected = Enumerable.Range(0, 3).Select(r =>
        {
            var logP = LogSoftmaxRow(s_logits, r, 3);
            return (1 - epsilon) * -logP[s_labels[r]] + epsilon * logP.Average(v => -v);
        }).Average();

        var actual = Functional.CrossEntropy(Torch.FromArray<double>(s_logits, [3, 3]), Torch.FromArray(s_labels), labelSmoothing: epsilon).Item();

        Assert.Equal(expected, actual, 12);
    }

    [Fact]
    public void NllLoss_PicksTheLabelsLogProbability()
    {
        using var scope = Torch.NewDisposeScope();
        var logProbs = Torch.FromArray<double>([-0.1, -2.0, -3.0, -1.5, -0.7, -0.2], [2, 3]);
        var labels = Torch.FromArray<long>([1, 2]);

        Assert.Equal((2.0 + 0.2) / 2, Functional.NllLoss(logProbs, labels).Item(), 12);
        Assert.Equal(2.2, Functional.NllLoss(logProbs, labels, Reduction.Sum).Item(), 12);
        Assert.Equal([2.0, 0.2], Functional.NllLoss(logProbs, labels, Reduction.None).ToArray<double>());
    }

    [Fact]
    public void KlDiv_BatchMean_IsTheSummedDivergenceOverTheBatchSize()
    {
        using var scope = Torch.NewDisposeScope();
        double[] p = [0.7, 0.2, 0.1, 0.25, 0.25, 0.5];
        var logQ = Torch.FromArray<double>(s_logits[..6], [2, 3]).LogSoftmax(1);
        var q = logQ.ToArray<double>();
        var expected = Enumerable.Range(0, 6).Sum(i => p[i] * (Math.Log(p[i]) - q[i])) / 2;
        var target = Torch.FromArray<double>(p, [2, 3]);

        var withProbabilities = Functional.KlDiv(logQ, target).Item();
        var withLogTarget = Functional.KlDiv(logQ, target.Log(), logTarget: true).Item();
        var summed = Functional.KlDiv(logQ, target, Reduction.Sum).Item();

        Assert.Equal(expected, withProbabilities, 12);
        Assert.Equal(expected, withLogTarget, 12);
        Assert.Equal(2 * expected, summed, 12);
        Assert.True(expected > 0);
        // KL of a distribution with itself is zero.
        Assert.Equal(0, Functional.KlDiv(logQ, logQ.Exp()).Item(), 12);
    }

    [Fact]
    public void MseLoss_MatchesMeanOfSquaredDifferences()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.FromArray<double>([1, 2, 3, 4], [2, 2]);
        var b = Torch.FromArray<double>([1.5, 0, 3, 7], [2, 2]);

        Assert.Equal((0.25 + 4 + 0 + 9) / 4, Functional.MseLoss(a, b).Item(), 12);
        Assert.Equal(13.25, Functional.MseLoss(a, b, Reduction.Sum).Item(), 12);
        Assert.Equal([0.25, 4, 0, 9], Functional.MseLoss(a, b, Reduction.None).ToArray<double>());
    }
}
