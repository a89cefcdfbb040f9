using Ensemble.Distillation.Ensembles;
using TorchSharp;
using static TorchSharp.torch;
using static Ensemble.Distillation.Tests.Losses.TestTensors;
using GradientCheck = Ensemble.Distillation.Tests.Losses.GradientCheck;

namespace Ensemble.Distillation.Tests.Ensembles;

public sealed class SoftTargetAggregatorTests
{
    // Two members over three classes, one example; logits T·ln(ratios) so that at T:
    //   p0 = [1/2, 1/4, 1/4],  p1 = [1/4, 1/4, 1/2].
    private static Tensor[] Members(double temperature) =>
        [LogOf([[2, 1, 1]], temperature), LogOf([[1, 1, 2]], temperature)];

    private static double[] Aggregate(AggregationMethod method, double temperature, double[]? weights = null)
    {
        using var scope = NewDisposeScope();
        var w = weights is null ? null : tensor(weights);
        return Values(SoftTargetAggregator.Aggregate(Members(temperature), method, temperature, w));
    }

    private static double[] Probabilities(double[] logits, double temperature)
    {
        using var scope = NewDisposeScope();
        return Values(SoftTargetAggregator.Probabilities(Float64(logits, [logits.Length / 3, 3]), temperature));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Arithmetic_WeightedMeanOfProbabilities_ReturnedAsTLogPBar(double temperature)
    {
        // Weights [3, 1] → [3/4, 1/4]: p̄ = ¾·[1/2, 1/4, 1/4] + ¼·[1/4, 1/4, 1/2] = [7/16, 4/16, 5/16]; z_e = T·ln p̄.
        var z = Aggregate(AggregationMethod.Arithmetic, temperature, [3, 1]);
        GradientCheck.AssertClose(new[] { 7.0 / 16, 4.0 / 16, 5.0 / 16 }.Select(p => temperature * Math.Log(p)).ToArray(), z, 1e-12);
    }

    [Fact]
    public void Arithmetic_Uniform_IsThePlainMean()
    {
        // p̄ = [3/8, 1/4, 3/8].
        GradientCheck.AssertClose([0.375, 0.25, 0.375], Probabilities(Aggregate(AggregationMethod.Arithmetic, 2), 2), 1e-12);
    }

    [Fact]
    public void Geometric_Uniform_IsNormalisedSquareRootOfTheProduct()
    {
        // √(p0·p1) = [√(1/8), 1/4, √(1/8)]; sum = 1/√2 + 1/4 ≈ 0.957107 → q ≈ [0.369398, 0.261204, 0.369398].
        var sum = 1 / Math.Sqrt(2) + 0.25;
        var q = new[] { Math.Sqrt(0.125) / sum, 0.25 / sum, Math.Sqrt(0.125) / sum };
        var z = Aggregate(AggregationMethod.Geometric, 2);
        // Returned as T·log q, q already normalised.
        GradientCheck.AssertClose(q.Select(v => 2 * Math.Log(v)).ToArray(), z, 1e-12);
    }

    [Fact]
    public void Geometric_Weighted_IsNormalisedWeightedProduct()
    {
        // Weights [3, 1] → p0^¾·p1^¼ = [2^−1.25, 2^−2, 2^−1.75], then normalised.
        var raw = new[] { Math.Pow(2, -1.25), Math.Pow(2, -2), Math.Pow(2, -1.75) };
        GradientCheck.AssertClose(raw.Select(v => v / raw.Sum()).ToArray(), Probabilities(Aggregate(AggregationMethod.Geometric, 1, [3, 1]), 1), 1e-12);
    }

    [Fact]
    public void Logits_WeightedMeanOfLogits()
    {
        // ¾·ln[2, 1, 1] + ¼·ln[1, 1, 2] = [¾ln2, 0, ¼ln2].
        GradientCheck.AssertClose([0.75 * Math.Log(2), 0, 0.25 * Math.Log(2)], Aggregate(AggregationMethod.Logits, 1, [3, 1]), 1e-12);
    }

    [Fact]
    public void GeometricAndLogits_Uniform_BothEqualSoftmaxOfMeanLogits()
    {
        // Normalised Π_k softmax(z_k/T)^{1/n} = softmax(mean_k z_k / T): the members' normalisers are constant per row.
        using var scope = NewDisposeScope();
        const double t = 3;
        var members = Enumerable.Range(0, 4).Select(k => Float64(GradientCheck.Sample(5 * 6, 20 + k, 3), [5, 6])).ToList();
        var expected = Values((stack(members, 0).mean([0]) / t).softmax(1));
        var geometric = Values(SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(members, AggregationMethod.Geometric, t), t));
        var logits = Values(SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(members, AggregationMethod.Logits, t), t));
        GradientCheck.AssertClose(expected, geometric, 1e-12);
        GradientCheck.AssertClose(expected, logits, 1e-12);
        // The arithmetic mean is a different distribution, so the comparison above can fail.
        var arithmetic = Values(SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(members, AggregationMethod.Arithmetic, t), t));
        Assert.True(expected.Zip(arithmetic, (a, b) => Math.Abs(a - b)).Max() > 1e-3);
    }

    [Fact]
    public void GeometricAndLogits_PerExampleWeights_AgreeInProbability()
    {
        // Σ_k w_k log softmax(z_k/T) and Σ_k w_k z_k / T differ by a constant per example, so their softmaxes agree.
        using var scope = NewDisposeScope();
        const double t = 1.5;
        var members = Enumerable.Range(0, 3).Select(k => Float64(GradientCheck.Sample(4 * 5, 60 + k, 3), [4, 5])).ToList();
        var weights = Float64(GradientCheck.Sample(4 * 3, 70).Select(Math.Abs).ToArray(), [4, 3]);
        var geometric = Values(SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(members, AggregationMethod.Geometric, t, weights), t));
        var logits = Values(SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(members, AggregationMethod.Logits, t, weights), t));
        GradientCheck.AssertClose(geometric, logits, 1e-12);
    }

    [Fact]
    public void Arithmetic_GradientOfKlToTheMean_EqualsMeanOfGradientsOfKlToEachMember()
    {
        // KL(p ‖ q) = Σ p log p − Σ p log q is linear in p where it touches q, so
        // ∇_z mean_k KL(p_k ‖ softmax(z/T)) = ∇_z KL(p̄ ‖ softmax(z/T)) with p̄ the arithmetic mean.
        const double t = 2;
        const int n = 3, k = 4;
        var memberValues = Enumerable.Range(0, 3).Select(m => GradientCheck.Sample(n * k, 30 + m, 2)).ToList();
        var student = GradientCheck.Sample(n * k, 40, 2);
        Tensor[] Members() => memberValues.Select(v => Float64(v, [n, k])).ToArray();

        var perMember = GradientCheck.Autograd(z =>
        {
            var logQ = (z / t).log_softmax(1);
            var kls = Members().Select(m => nn.functional.kl_div(logQ, (m / t).softmax(1), log_target: false, reduction: nn.Reduction.Sum) / n).ToList();
            return stack(kls).mean();
        }, student, [n, k]);
        var toMean = GradientCheck.Autograd(z =>
        {
            var pBar = SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(Members(), AggregationMethod.Arithmetic, t), t);
            return nn.functional.kl_div((z / t).log_softmax(1), pBar, log_target: false, reduction: nn.Reduction.Sum) / n;
        }, student, [n, k]);

        Assert.True(perMember.Max(Math.Abs) > 1e-3);
        GradientCheck.AssertClose(perMember, toMean, 1e-10);
    }

    [Theory]
    [InlineData(AggregationMethod.Arithmetic)]
    [InlineData(AggregationMethod.Geometric)]
    [InlineData(AggregationMethod.Logits)]
    public void WeightsOnOneMember_ReturnThatMembersDistribution(AggregationMethod method)
    {
        using var scope = NewDisposeScope();
        const double t = 2;
        var members = Enumerable.Range(0, 3).Select(k => Float64(GradientCheck.Sample(2 * 4, 50 + k, 2), [2, 4])).ToList();
        var z = SoftTargetAggregator.Aggregate(members, method, t, tensor(new[] { 1.0, 0, 0 }));
        Assert.All(Values(z), v => Assert.True(double.IsFinite(v)));
        GradientCheck.AssertClose(Values((members[0] / t).softmax(1)), Values(SoftTargetAggregator.Probabilities(z, t)), 1e-12);
        if (method == AggregationMethod.Logits)
        {
            GradientCheck.AssertClose(Values(members[0]), Values(z), 1e-12);
        }
    }

    [Fact]
    public void PerExampleWeights_WeightEachRowSeparately()
    {
        // Two examples, members as above on both rows. Row 0 weights [1, 0] → p0; row 1 weights [1, 3] → [1/4, 3/4]:
        //   ¼·[1/2, 1/4, 1/4] + ¾·[1/4, 1/4, 1/2] = [5/16, 4/16, 7/16].
        using var scope = NewDisposeScope();
        Tensor[] members = [LogOf([[2, 1, 1], [2, 1, 1]]), LogOf([[1, 1, 2], [1, 1, 2]])];
        var weights = Matrix([[1, 0], [1, 3]]);
        var p = Values(SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(members, AggregationMethod.Arithmetic, 1, weights), 1));
        GradientCheck.AssertClose([0.5, 0.25, 0.25, 5.0 / 16, 4.0 / 16, 7.0 / 16], p, 1e-12);
    }

    [Fact]
    public void Arithmetic_ProbabilitiesThatUnderflow_StayFinite()
    {
        // In float32, softmax of [0, −200] underflows to [1, 0]; the log-space mean and the floor keep the logits finite.
        using var scope = NewDisposeScope();
        Tensor[] members = [tensor(new[] { 0f, -200f }, [1, 2]), tensor(new[] { 0f, -300f }, [1, 2])];
        var z = SoftTargetAggregator.Aggregate(members, AggregationMethod.Arithmetic, 1).data<float>().ToArray();
        Assert.All(z, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, z[0], 6);
        Assert.Equal((float)Math.Log(SoftTargetAggregator.ProbabilityFloor), z[1], 3);
    }

    [Fact]
    public void Aggregate_DoesNotLeakTensors()
    {
        var members = Members(2);
        using var weights = tensor(new[] { 1.0, 2.0 });
        var before = SettledLiveTensors();
        foreach (var method in Enum.GetValues<AggregationMethod>())
        {
            using var z = SoftTargetAggregator.Aggregate(members, method, 2, weights);
        }

        Assert.Equal(before, Tensor.TotalCount);
        foreach (var m in members) m.Dispose();
    }

    [Fact]
    public void Errors_NameTheArgumentAndTheShapes()
    {
        using var scope = NewDisposeScope();
        var a = zeros(2, 3, ScalarType.Float64);
        var b = zeros(2, 4, ScalarType.Float64);

        var empty = Assert.Throws<ArgumentException>(() => SoftTargetAggregator.Aggregate([], AggregationMethod.Arithmetic, 1));
        Assert.Equal("memberLogits", empty.ParamName);

        var mismatch = Assert.Throws<ArgumentException>(() => SoftTargetAggregator.Aggregate([a, b], AggregationMethod.Arithmetic, 1));
        Assert.Contains("memberLogits[1]", mismatch.Message);
        Assert.Contains("[2, 4]", mismatch.Message);
        Assert.Contains("[2, 3]", mismatch.Message);

        var badShape = Assert.Throws<ArgumentException>(() =>
            SoftTargetAggregator.Aggregate([a, a], AggregationMethod.Geometric, 1, ones(3)));
        Assert.Equal("weights", badShape.ParamName);
        Assert.Contains("[3]", badShape.Message);
        Assert.Contains("[2, 3]", badShape.Message);
        Assert.Contains("[2, 2]", badShape.Message); // the per-example shape it could have been

        var negative = Assert.Throws<ArgumentException>(() =>
            SoftTargetAggregator.Aggregate([a, a], AggregationMethod.Arithmetic, 1, tensor(new[] { 1.0, -0.5 })));
        Assert.Contains("non-negative", negative.Message);

        var zeroRow = Assert.Throws<ArgumentException>(() =>
            SoftTargetAggregator.Aggregate([a, a], AggregationMethod.Arithmetic, 1, Matrix([[1, 0], [0, 0]])));
        Assert.Contains("1 example(s)", zeroRow.Message);

        var temperature = Assert.Throws<ArgumentOutOfRangeException>(() => SoftTargetAggregator.Aggregate([a], AggregationMethod.Logits, 0));
        Assert.Equal("temperature", temperature.ParamName);
    }
}
