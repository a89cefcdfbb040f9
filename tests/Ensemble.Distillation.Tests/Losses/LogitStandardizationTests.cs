using Ensemble.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;
using static Ensemble.Distillation.Tests.Losses.TestTensors;

namespace Ensemble.Distillation.Tests.Losses;

public sealed class LogitStandardizationTests
{
    [Fact]
    public void Apply_HandComputedRows()
    {
        // [1, 2, 3]: mean 2, unbiased std √((1 + 0 + 1)/2) = 1 → [−1, 0, 1].
        // [0, 0, 4, 4] would need K = 4; with K = 3, [0, 3, 6]: mean 3, std √((9 + 0 + 9)/2) = 3 → [−1, 0, 1].
        // [5, 5, 8]: mean 6, std √((1 + 1 + 4)/2) = √3 → [−1/√3, −1/√3, 2/√3].
        using var scope = NewDisposeScope();
        var result = Values(LogitStandardization.Apply(Matrix([[1, 2, 3], [0, 3, 6], [5, 5, 8]]), epsilon: 0));
        var s = Math.Sqrt(3);
        GradientCheck.AssertClose([-1, 0, 1, -1, 0, 1, -1 / s, -1 / s, 2 / s], result, 1e-12);
    }

    [Fact]
    public void Apply_GivesMeanZeroAndUnbiasedStdOnePerRow()
    {
        using var scope = NewDisposeScope();
        var logits = Float64(GradientCheck.Sample(5 * 7, 11, 4), [5, 7]) * 3.0 + 2.0;
        var result = LogitStandardization.Apply(logits);
        GradientCheck.AssertClose(new double[5], Values(result.mean([1])), 1e-12);
        // (z − μ)/(σ + ε) has std σ/(σ + ε): 1 to within ε/σ.
        GradientCheck.AssertClose(Enumerable.Repeat(1.0, 5).ToArray(), Values(result.std(1)), 1e-6);
    }

    [Fact]
    public void Apply_ConstantRow_BecomesZeros()
    {
        using var scope = NewDisposeScope();
        GradientCheck.AssertClose([0, 0, 0], Values(LogitStandardization.Apply(Matrix([[2, 2, 2]]))), 0);
    }

    [Fact]
    public void Apply_GradientMatchesFiniteDifferences() =>
        GradientCheck.Check(z => (LogitStandardization.Apply(z) * Matrix([[1, -2, 0.5, 3], [0.3, 1, -1, 2]])).sum(),
            GradientCheck.Sample(8, 12, 2), [2, 4]);

    [Fact]
    public void Apply_OneClass_IsRejected()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => LogitStandardization.Apply(Matrix([[1], [2]])));
        Assert.Equal("logits", error.ParamName);
        Assert.Contains("[2, 1]", error.Message);
    }
}
