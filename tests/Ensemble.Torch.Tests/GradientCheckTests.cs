using Ensemble.Torch;
using static Ensemble.Torch.Tests.GradientCheck;

namespace Ensemble.Torch.Tests;

/// <summary>Autograd against central finite differences (float64) for every op the losses and models use.</summary>
public sealed class GradientCheckTests
{
    // Constants are rebuilt inside each closure so that the check's dispose scopes own them.
    private static Tensor Const(long[] shape, int seed, Func<Random, double>? sampler = null) =>
        Torch.FromArray<double>(Sample(shape, seed, sampler), shape);

    private static Tensor Labels(params long[] labels) => Torch.FromArray(labels);

    private static Tensor Probabilities(long rows, long columns, int seed)
    {
        var values = Sample([rows, columns], seed, Positive);
        for (var r = 0; r < rows; r++)
        {
            var sum = 0.0;
            for (var c = 0; c < columns; c++) sum += values[r * columns + c];
            for (var c = 0; c < columns; c++) values[r * columns + c] /= sum;
        }

        return Torch.FromArray<double>(values, [rows, columns]);
    }

    // Element-wise functions.

    [Fact] public void Exp_GradientMatchesFiniteDifferences() => Check(x => x.Exp(), [3, 4]);
    [Fact] public void Log_GradientMatchesFiniteDifferences() => Check(x => x.Log(), [3, 4], Positive);
    [Fact] public void Sqrt_GradientMatchesFiniteDifferences() => Check(x => x.Sqrt(), [3, 4], Positive);
    [Fact] public void Square_GradientMatchesFiniteDifferences() => Check(x => x.Square(), [3, 4]);
    [Fact] public void Abs_AwayFromZero_GradientMatchesFiniteDifferences() => Check(x => x.Abs(), [3, 4], AwayFromZero);
    [Fact] public void Relu_AwayFromZero_GradientMatchesFiniteDifferences() => Check(x => x.Relu(), [3, 4], AwayFromZero);
    [Fact] public void Sigmoid_GradientMatchesFiniteDifferences() => Check(x => x.Sigmoid(), [3, 4], x => 3 * Uniform(x));
    [Fact] public void Tanh_GradientMatchesFiniteDifferences() => Check(x => x.Tanh(), [3, 4], x => 2 * Uniform(x));
    [Fact] public void Neg_GradientMatchesFiniteDifferences() => Check(x => -x, [3, 4]);

    [Fact]
    public void Clamp_AwayFromBounds_GradientMatchesFiniteDifferences()
    {
        static double AwayFromBounds(Random r)
        {
            while (true)
            {
                var v = 1.5 * Uniform(r);
                if (Math.Abs(Math.Abs(v) - 0.5) > 0.05) return v;
            }
        }

        Check(x => x.Clamp(-0.5, 0.5), [4, 5], AwayFromBounds);
        Check(x => x.Clamp(min: -0.5), [4, 5], AwayFromBounds);
        Check(x => x.Clamp(max: 0.5), [4, 5], AwayFromBounds);
    }

    // Binary arithmetic, with broadcasting.

    [Fact]
    public void Add_WithBroadcastingAndAlpha_GradientMatchesFiniteDifferences()
    {
        Check(x => x + Const([4], 7), [3, 4]);
        Check(x => Const([3, 1], 7) + x, [1, 4]);
        Check(x => x.Add(Const([3, 4], 7), 2.5), [3, 4]);
        Check(x => Const([3, 4], 7).Add(x, -1.5), [4]);
    }

    [Fact]
    public void Sub_WithBroadcasting_GradientMatchesFiniteDifferences()
    {
        Check(x => x - Const([3, 4], 7), [3, 4]);
        Check(x => Const([3, 4], 7) - x, [3, 1]);
    }

    [Fact]
    public void Mul_WithBroadcasting_GradientMatchesFiniteDifferences()
    {
        Check(x => x * Const([3, 4], 7), [3, 4]);
        Check(x => Const([2, 3, 4], 7) * x, [3, 1]);
        Check(x => x * x, [3, 4]);
    }

    [Fact]
    public void Div_NumeratorAndDenominator_GradientMatchesFiniteDifferences()
    {
        Check(x => x / Const([3, 4], 7, Positive), [3, 4]);
        Check(x => Const([3, 4], 7) / x, [3, 4], Positive);
        Check(x => Const([2, 4], 7) / x, [4], Positive);
    }

    [Fact]
    public void ScalarArithmetic_GradientMatchesFiniteDifferences()
    {
        Check(x => x * 3.0 + 2.0, [3, 4]);
        Check(x => 2.0 - x * x, [3, 4]);
        Check(x => (x - 1.5) / 4.0, [3, 4]);
        Check(x => 0.5 * (2.0 + x) * x, [3, 4]);
    }

    [Fact]
    public void Pow_BaseAndExponent_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Pow(Const([3, 4], 7)), [3, 4], Positive);
        Check(x => Const([3, 4], 7, Positive).Pow(x), [3, 4]);
        Check(x => x.Pow(3.0), [3, 4]);
        Check(x => x.Pow(-0.5), [3, 4], Positive);
    }

    [Fact]
    public void MaximumMinimum_DistinctValues_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Maximum(Const([3, 4], 7)), [3, 4]);
        Check(x => x.Minimum(Const([3, 4], 7)), [3, 4]);
    }

    [Fact]
    public void MatMul_BothOperandsAndBatched_GradientMatchesFiniteDifferences()
    {
        Check(x => x.MatMul(Const([3, 4], 7)), [2, 3]);
        Check(x => Const([2, 3], 7).MatMul(x), [3, 4]);
        Check(x => x.MatMul(Const([3, 2], 7)), [2, 2, 3]);
        Check(x => Const([2, 2, 3], 7).MatMul(x), [3, 2]);
    }

    // Reductions.

    [Fact]
    public void Sum_OverAllAndOverDims_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Sum(), [2, 3, 4]);
        Check(x => x.Sum([0, 2]), [2, 3, 4]);
        Check(x => x.Sum(1, keepDim: true), [2, 3, 4]);
        Check(x => x.Sum(-1).Square(), [2, 3, 4]);
    }

    [Fact]
    public void Mean_OverAllAndOverDims_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Mean(), [2, 3, 4]);
        Check(x => x.Mean([1, 2], keepDim: true), [2, 3, 4]);
        Check(x => x.Mean(0).Square(), [2, 3, 4]);
    }

    [Fact]
    public void Std_OverDim_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Std(1), [3, 5]);
        Check(x => x.Std(0, unbiased: false, keepDim: true), [4, 3]);
    }

    [Fact]
    public void LogSumExp_OverDim_GradientMatchesFiniteDifferences()
    {
        Check(x => x.LogSumExp(1), [3, 5], r => 3 * Uniform(r));
        Check(x => x.LogSumExp(0, keepDim: true), [3, 5], r => 3 * Uniform(r));
    }

    [Fact]
    public void Amax_DistinctValues_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Amax(1), [3, 5]);
        Check(x => x.Amax(0, keepDim: true), [3, 5]);
    }

    [Fact]
    public void Softmax_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Softmax(1), [3, 5], r => 2 * Uniform(r));
        Check(x => x.Softmax(0), [3, 5], r => 2 * Uniform(r));
    }

    [Fact]
    public void LogSoftmax_GradientMatchesFiniteDifferences()
    {
        Check(x => x.LogSoftmax(1), [3, 5], r => 2 * Uniform(r));
        Check(x => x.LogSoftmax(-1), [2, 2, 4], r => 2 * Uniform(r));
    }

    // Layers.

    [Fact]
    public void Linear_InputWeightAndBias_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.Linear(x, Const([4, 3], 7), Const([4], 8)), [5, 3]);
        Check(w => Functional.Linear(Const([5, 3], 7), w, Const([4], 8)), [4, 3]);
        Check(b => Functional.Linear(Const([5, 3], 7), Const([4, 3], 8), b), [4]);
        Check(x => Functional.Linear(x, Const([4, 3], 7)), [2, 5, 3]);
    }

    [Fact]
    public void Conv2d_WithPadding_InputWeightAndBias_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.Conv2d(x, Const([3, 2, 3, 3], 7), Const([3], 8), padding: 1), [1, 2, 5, 5]);
        Check(w => Functional.Conv2d(Const([2, 2, 5, 5], 7), w, Const([3], 8), padding: 1), [3, 2, 3, 3]);
        Check(b => Functional.Conv2d(Const([2, 2, 5, 5], 7), Const([3, 2, 3, 3], 8), b, padding: 1), [3]);
        Check(x => Functional.Conv2d(x, Const([2, 2, 3, 3], 7), null, stride: 2, padding: 1), [1, 2, 5, 5]);
    }

    [Fact]
    public void MaxPool2d_DistinctValues_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.MaxPool2d(x, 2), [2, 2, 4, 4]);
        Check(x => Functional.MaxPool2d(x, 3, stride: 1, padding: 1), [1, 2, 4, 4]);
    }

    [Fact]
    public void AvgPool2d_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.AvgPool2d(x, 2), [2, 2, 4, 4]);
        Check(x => Functional.AvgPool2d(x, 3, stride: 1, padding: 1), [1, 2, 4, 4]);
    }

    [Fact]
    public void BatchNorm_TrainingMode_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.BatchNorm(x, Const([3], 7, Positive), Const([3], 8), null, null, training: true), [4, 3, 2, 2]);
        Check(g => Functional.BatchNorm(Const([4, 3, 2, 2], 7), g, Const([3], 8), null, null, training: true), [3]);
        Check(b => Functional.BatchNorm(Const([4, 3, 2, 2], 7), Const([3], 8), b, null, null, training: true).Square(), [3]);
    }

    // Losses.

    [Fact]
    public void CrossEntropy_MeanSumNoneAndSmoothing_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.CrossEntropy(x, Labels(0, 4, 2, 2)), [4, 5], r => 2 * Uniform(r));
        Check(x => Functional.CrossEntropy(x, Labels(0, 4, 2, 2), Reduction.Sum), [4, 5], r => 2 * Uniform(r));
        Check(x => Functional.CrossEntropy(x, Labels(0, 4, 2, 2), Reduction.None), [4, 5], r => 2 * Uniform(r));
        Check(x => Functional.CrossEntropy(x, Labels(1, 3, 0), labelSmoothing: 0.1), [3, 5], r => 2 * Uniform(r));
    }

    [Fact]
    public void NllLoss_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.NllLoss(x.LogSoftmax(1), Labels(0, 4, 2, 2)), [4, 5]);
        Check(x => Functional.NllLoss(x, Labels(3, 1, 2), Reduction.Sum) * x.Sum(), [3, 4]);
    }

    [Fact]
    public void KlDiv_BatchMeanWithProbabilityTarget_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.KlDiv(x.LogSoftmax(1), Probabilities(3, 4, 7)), [3, 4]);
        Check(t => Functional.KlDiv(Const([3, 4], 7).LogSoftmax(1), t), [3, 4], Positive);
    }

    [Fact]
    public void KlDiv_BatchMeanWithLogTarget_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.KlDiv(x.LogSoftmax(1), Probabilities(3, 4, 7).Log(), logTarget: true), [3, 4]);
        Check(t => Functional.KlDiv(Const([3, 4], 7).LogSoftmax(1), t, logTarget: true), [3, 4]);
    }

    [Fact]
    public void MseLoss_GradientMatchesFiniteDifferences()
    {
        Check(x => Functional.MseLoss(x, Const([3, 4], 7)), [3, 4]);
        Check(x => Functional.MseLoss(Const([3, 4], 7), x, Reduction.Sum), [3, 4]);
        Check(x => Functional.MseLoss(x, Const([3, 4], 7), Reduction.None), [3, 4]);
    }

    // Indexing and shape.

    [Fact]
    public void Gather_WithRepeatedIndices_GradientMatchesFiniteDifferences() =>
        Check(x => x.Gather(1, Torch.FromArray<long>([0, 0, 3, 2, 1, 2], [3, 2])), [3, 4]);

    [Fact]
    public void IndexSelect_WithRepeatedIndices_GradientMatchesFiniteDifferences()
    {
        Check(x => x.IndexSelect(0, Labels(2, 0, 2)), [3, 4]);
        Check(x => x.IndexSelect(1, Labels(3, 3, 1)), [3, 4]);
    }

    [Fact]
    public void Narrow_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Narrow(1, 1, 2), [3, 4]);
        Check(x => x.Narrow(0, 2, 1).Square(), [3, 4]);
    }

    [Fact]
    public void ReshapeTransposePermuteFlatten_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Reshape(3, 4).MatMul(Const([4, 2], 7)), [2, 6]);
        Check(x => x.Reshape(-1, 2).Square(), [2, 6]);
        Check(x => x.Transpose(0, 1).MatMul(Const([2, 3], 7)), [2, 6]);
        Check(x => x.T().Square(), [2, 6]);
        Check(x => x.Permute(2, 0, 1).Reshape(4, 6).MatMul(Const([6, 2], 7)), [2, 3, 4]);
        Check(x => x.Flatten(1).Square(), [2, 3, 4]);
        Check(x => x.Flatten().Square(), [2, 3, 4]);
    }

    [Fact]
    public void UnsqueezeSqueezeExpand_GradientMatchesFiniteDifferences()
    {
        Check(x => x.Unsqueeze(1) * Const([3, 2, 4], 7), [3, 4]);
        Check(x => x.Squeeze(1).Square(), [3, 1, 4]);
        Check(x => x.Expand(2, 3, 4) * Const([2, 3, 4], 7), [3, 1]);
    }

    [Fact]
    public void Cat_GradientMatchesFiniteDifferences()
    {
        Check(x => Tensor.Cat([x, Const([2, 4], 7)], 0), [3, 4]);
        Check(x => Tensor.Cat([x.Square(), x * 2.0, Const([3, 1], 7)], 1), [3, 4]);
    }

    [Fact]
    public void Stack_GradientMatchesFiniteDifferences()
    {
        Check(x => Tensor.Stack([x, Const([3, 4], 7)], 0), [3, 4]);
        Check(x => Tensor.Stack([x.Square(), x * 3.0], 2), [3, 4]);
    }

    [Fact]
    public void Where_BothBranches_GradientMatchesFiniteDifferences()
    {
        static Tensor Condition() => Torch.FromArray<bool>([true, false, false, true, true, false], [2, 3]);
        Check(x => Tensor.Where(Condition(), x, Const([2, 3], 7)), [2, 3]);
        Check(x => Tensor.Where(Condition(), Const([2, 3], 7), x.Square()), [2, 3]);
        Check(x => Tensor.Where(Condition(), x, x * 2.0), [2, 3]);
    }

    // The helper itself must reject a wrong gradient, or every check above is vacuous.

    [Fact]
    public void Check_WrongGradient_Fails()
    {
        // x·detach(x) has gradient x, not 2x: a correct autograd gives the "wrong" answer the check must catch.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Check(x => x * x.Detach(), [3, 4]));
    }
}
