using TorchSharp;
using static Ensemble.Distillation.Tests.Losses.WeightedGradientCheck;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Losses;

/// <summary>
/// TorchSharp's cross-entropy and KL divergence as the trainer, the evaluator and the distillation loss call them:
/// values against the formulas computed directly in C#, gradients against finite differences (float64).
/// </summary>
/// <remarks>
/// TorchSharp's <c>kl_div</c> defaults to <c>log_target: true</c> (PyTorch's to false) and has no batchmean, so every
/// call here names log_target and divides the sum by N, as ours do.
/// </remarks>
public sealed class TorchLossTests
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

    // Constants are rebuilt inside each closure so that the check's dispose scopes own them.
    private static Tensor Const(long[] shape, int seed, Func<Random, double>? sampler = null) =>
        tensor(Sample(shape, seed, sampler), shape);

    private static Tensor Probabilities(long rows, long columns, int seed)
    {
        var values = Sample([rows, columns], seed, Positive);
        for (var r = 0; r < rows; r++)
        {
            var sum = 0.0;
            for (var c = 0; c < columns; c++) sum += values[r * columns + c];
            for (var c = 0; c < columns; c++) values[r * columns + c] /= sum;
        }

        return tensor(values, [rows, columns]);
    }

    /// <summary>KL(p ‖ q) summed over classes and averaged over the N rows: PyTorch's batchmean.</summary>
    private static Tensor KlBatchMean(Tensor logQ, Tensor target, bool logTarget) =>
        nn.functional.kl_div(logQ, target, log_target: logTarget, reduction: nn.Reduction.Sum) / logQ.size(0);

    [Fact]
    public void CrossEntropy_EachReduction_MatchesNegativeLogSoftmaxOfTheLabel()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(s_logits, [3, 3]);
        var labels = tensor(s_labels);
        var perSample = Enumerable.Range(0, 3).Select(r => -LogSoftmaxRow(s_logits, r, 3)[s_labels[r]]).ToArray();

        var none = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None).data<double>().ToArray();
        var sum = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<double>();
        var mean = nn.functional.cross_entropy(logits, labels).item<double>();

        for (var i = 0; i < 3; i++) Assert.Equal(perSample[i], none[i], 12);
        Assert.Equal(perSample.Sum(), sum, 12);
        Assert.Equal(perSample.Average(), mean, 12);
    }

    [Fact]
    public void KlDiv_BatchMean_IsTheSummedDivergenceOverTheBatchSize()
    {
        using var scope = NewDisposeScope();
        double[] p = [0.7, 0.2, 0.1, 0.25, 0.25, 0.5];
        var logQ = tensor(s_logits[..6], [2, 3]).log_softmax(1);
        var q = logQ.data<double>().ToArray();
        var expected = Enumerable.Range(0, 6).Sum(i => p[i] * (Math.Log(p[i]) - q[i])) / 2;
        var target = tensor(p, [2, 3]);

        var withProbabilities = KlBatchMean(logQ, target, logTarget: false).item<double>();
        var withLogTarget = KlBatchMean(logQ, target.log(), logTarget: true).item<double>();
        var summed = nn.functional.kl_div(logQ, target, log_target: false, reduction: nn.Reduction.Sum).item<double>();

        Assert.Equal(expected, withProbabilities, 12);
        Assert.Equal(expected, withLogTarget, 12);
        Assert.Equal(2 * expected, summed, 12);
        Assert.True(expected > 0);
        // KL of a distribution with itself is zero.
        Assert.Equal(0, KlBatchMean(logQ, logQ.exp(), logTarget: false).item<double>(), 12);
    }

    [Fact]
    public void KlDiv_DefaultLogTarget_IsTrue_SoAProbabilityTargetMustSayFalse()
    {
        // The pitfall the remarks describe: with TorchSharp's default, probabilities are read as log-probabilities.
        using var scope = NewDisposeScope();
        var logQ = tensor(s_logits[..6], [2, 3]).log_softmax(1);
        var p = tensor(new[] { 0.7, 0.2, 0.1, 0.25, 0.25, 0.5 }, [2, 3]);

        var byDefault = nn.functional.kl_div(logQ, p, reduction: nn.Reduction.Sum).item<double>();

        Assert.Equal(nn.functional.kl_div(logQ, p, log_target: true, reduction: nn.Reduction.Sum).item<double>(), byDefault, 15);
        Assert.NotEqual(nn.functional.kl_div(logQ, p, log_target: false, reduction: nn.Reduction.Sum).item<double>(), byDefault, 6);
    }

    [Fact]
    public void CrossEntropy_MeanAndSum_GradientMatchesFiniteDifferences()
    {
        Check(x => nn.functional.cross_entropy(x, tensor(new long[] { 0, 4, 2, 2 })), [4, 5], r => 2 * Uniform(r));
        Check(x => nn.functional.cross_entropy(x, tensor(new long[] { 0, 4, 2, 2 }), reduction: nn.Reduction.Sum), [4, 5], r => 2 * Uniform(r));
        Check(x => nn.functional.cross_entropy(x, tensor(new long[] { 0, 4, 2, 2 }), reduction: nn.Reduction.None), [4, 5], r => 2 * Uniform(r));
    }

    [Fact]
    public void KlDiv_BatchMeanWithProbabilityTarget_GradientMatchesFiniteDifferences()
    {
        Check(x => KlBatchMean(x.log_softmax(1), Probabilities(3, 4, 7), logTarget: false), [3, 4]);
        Check(t => KlBatchMean(Const([3, 4], 7).log_softmax(1), t, logTarget: false), [3, 4], Positive);
    }

    [Fact]
    public void KlDiv_BatchMeanWithLogTarget_GradientMatchesFiniteDifferences()
    {
        Check(x => KlBatchMean(x.log_softmax(1), Probabilities(3, 4, 7).log(), logTarget: true), [3, 4]);
        Check(t => KlBatchMean(Const([3, 4], 7).log_softmax(1), t, logTarget: true), [3, 4]);
    }

    [Fact]
    public void LogSoftmaxAndSoftmax_AtATemperature_GradientMatchesFiniteDifferences()
    {
        // The distillation loss's two halves: log softmax(z/T) for the student, softmax(z/T) for the target.
        Check(x => (x / 2.5).log_softmax(1), [3, 5], r => 2 * Uniform(r));
        Check(x => (x / 2.5).softmax(1), [3, 5], r => 2 * Uniform(r));
    }

    // The helper itself must reject a wrong gradient, or every check above is vacuous.

    [Fact]
    public void Check_WrongGradient_Fails()
    {
        // x·detach(x) has gradient x, not 2x: a correct autograd gives the "wrong" answer the check must catch.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Check(x => x * x.detach(), [3, 4]));
    }

    [Fact]
    public void ScalarCheck_WrongGradient_Fails()
    {
        // The same for the scalar check the distillation losses use.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            GradientCheck.Check(z => (z * z.detach()).sum(), GradientCheck.Sample(12, 1, 2), [3, 4]));
    }
}
