using Ensemble.Torch;

namespace Ensemble.Torch.Tests;

/// <summary>Creation, data transfer, metadata, arithmetic and random numbers.</summary>
public sealed class TensorTests
{
    [Fact]
    public void FromArrayToArray_Float_RoundTripsWithShape()
    {
        float[] data = [1.5f, -2.25f, 3e-8f, float.MaxValue, -0f, 7f];
        using var t = Torch.FromArray<float>(data, [2, 3]);

        Assert.Equal(ScalarType.Float32, t.DType);
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal(2, t.Dim);
        Assert.Equal(6, t.NumEl);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(data, t.ToArray<float>());
    }

    [Fact]
    public void FromArrayToArray_Double_RoundTripsExactly()
    {
        double[] data = [Math.PI, -1e-300, 1e300, 0.1];
        using var t = Torch.FromArray<double>(data, [2, 1, 2]);

        Assert.Equal(ScalarType.Float64, t.DType);
        Assert.Equal([2L, 1L, 2L], t.Shape);
        Assert.Equal(data, t.ToArray<double>());
    }

    [Fact]
    public void FromArrayToArray_Long_RoundTripsExtremes()
    {
        long[] data = [long.MinValue, -1, 0, long.MaxValue];
        using var t = Torch.FromArray(data);

        Assert.Equal(ScalarType.Int64, t.DType);
        Assert.Equal([4L], t.Shape);
        Assert.Equal(data, t.ToArray<long>());
    }

    [Fact]
    public void FromArrayToArray_Int_RoundTrips()
    {
        int[] data = [int.MinValue, -7, 0, 42, int.MaxValue, 1];
        using var t = Torch.FromArray<int>(data, [3, 2]);

        Assert.Equal(ScalarType.Int32, t.DType);
        Assert.Equal(data, t.ToArray<int>());
    }

    [Fact]
    public void FromArrayToArray_Byte_RoundTrips()
    {
        byte[] data = [0, 1, 127, 128, 255, 9];
        using var t = Torch.FromArray<byte>(data, [6, 1]);

        Assert.Equal(ScalarType.UInt8, t.DType);
        Assert.Equal([6L, 1L], t.Shape);
        Assert.Equal(data, t.ToArray<byte>());
    }

    [Fact]
    public void FromArrayToArray_Bool_RoundTrips()
    {
        bool[] data = [true, false, false, true];
        using var t = Torch.FromArray<bool>(data, [2, 2]);

        Assert.Equal(ScalarType.Bool, t.DType);
        Assert.Equal(data, t.ToArray<bool>());
    }

    [Fact]
    public void ToArray_TransposedView_IsRowMajorOfTheTranspose()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Torch.FromArray<int>([1, 2, 3, 4, 5, 6], [2, 3]).T();

        Assert.Equal([3L, 2L], t.Shape);
        Assert.Equal([1, 4, 2, 5, 3, 6], t.ToArray<int>());
    }

    [Fact]
    public void Scalar_HasNoDimensionsAndItsItem()
    {
        using var t = Torch.Scalar(2.5, ScalarType.Float64);

        Assert.Empty(t.Shape);
        Assert.Equal(1, t.NumEl);
        Assert.Equal(2.5, t.Item());
    }

    [Fact]
    public void Item_OneElementTensor_ReturnsValue()
    {
        using var scope = Torch.NewDisposeScope();
        Assert.Equal(-3.0, Torch.FromArray<long>([-3], [1, 1]).Item());
        Assert.Equal(6.0, Torch.FromArray<float>([1, 2, 3]).Sum().Item());
    }

    [Fact]
    public void Factories_ProduceTheDocumentedValues()
    {
        using var scope = Torch.NewDisposeScope();
        Assert.Equal(new float[6], Torch.Zeros([2, 3]).ToArray<float>());
        Assert.Equal([1.0, 1.0], Torch.Ones([2], ScalarType.Float64).ToArray<double>());
        Assert.Equal([7, 7, 7], Torch.Full([3], 7, ScalarType.Int32).ToArray<int>());
        Assert.Equal([0L, 1L, 2L, 3L], Torch.Arange(0, 4).ToArray<long>());
        Assert.Equal([1.0f, 1.5f, 2.0f], Torch.Arange(1, 2.25, 0.5, ScalarType.Float32).ToArray<float>());
    }

    [Fact]
    public void Arithmetic_MatchesHandComputedValues()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.FromArray<double>([1, 2, 3, 4], [2, 2]);
        var b = Torch.FromArray<double>([10, 20], [2]);

        Assert.Equal([11.0, 22, 13, 24], (a + b).ToArray<double>());
        Assert.Equal([-9.0, -18, -7, -16], (a - b).ToArray<double>());
        Assert.Equal([10.0, 40, 30, 80], (a * b).ToArray<double>());
        Assert.Equal([0.1, 0.1, 0.3, 0.2], (a / b).ToArray<double>());
        Assert.Equal([21.0, 42, 23, 44], a.Add(b, 2).ToArray<double>());
        Assert.Equal([3.0, 4, 5, 6], (a + 2.0).ToArray<double>());
        Assert.Equal([9.0, 8, 7, 6], (10.0 - a).ToArray<double>());
        Assert.Equal([-0.5, 0.5, 1.5, 2.5], (a - 1.5).ToArray<double>());
        Assert.Equal([0.5, 1, 1.5, 2], (a / 2.0).ToArray<double>());
        Assert.Equal([3.0, 6, 9, 12], (3.0 * a).ToArray<double>());
        Assert.Equal([-1.0, -2, -3, -4], (-a).ToArray<double>());
        Assert.Equal([1.0, 8, 27, 64], a.Pow(3).ToArray<double>());
        Assert.Equal([1.0, 4, 27, 256], a.Pow(a).ToArray<double>());
        Assert.Equal([1.0, 2, 2, 2], a.Clamp(max: 2).ToArray<double>());
        Assert.Equal([2.0, 2, 3, 3], a.Clamp(2, 3).ToArray<double>());
        // [[1, 2], [3, 4]] · [[1, 2], [3, 4]] = [[7, 10], [15, 22]]
        Assert.Equal([7.0, 10, 15, 22], a.MatMul(a).ToArray<double>());
        Assert.Equal([4.0, 6], a.Sum(0).ToArray<double>());
        Assert.Equal([1.5, 3.5], a.Mean(1).ToArray<double>());
        Assert.Equal([2.0, 4], a.Amax(1).ToArray<double>());
        Assert.Equal([false, true, false, false], a.Eq(2).ToArray<bool>());
        Assert.Equal([true, false, false, true], a.Eq(Torch.FromArray<double>([1, 0, 0, 4], [2, 2])).ToArray<bool>());
        Assert.Equal([true, false, false, false], a.Lt(2).ToArray<bool>());
        Assert.Equal([false, false, true, true], a.Gt(2).ToArray<bool>());
    }

    [Fact]
    public void IntegerArithmetic_StaysExactAndIntegral()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.FromArray<long>([1, 2, 3]);
        var b = Torch.FromArray<long>([10, 20, 30]);

        Assert.Equal([9L, 18L, 27L], (b - a).ToArray<long>());
        Assert.Equal([10L, 40L, 90L], (a * b).ToArray<long>());
        // Counting correct predictions adds int64 tensors; libtorch rejects a floating-point alpha for them.
        var sum = a + b;
        Assert.Equal(ScalarType.Int64, sum.DType);
        Assert.Equal([11L, 22L, 33L], sum.ToArray<long>());
        Assert.Equal([21L, 42L, 63L], b.Add(a, 11).ToArray<long>());
        Assert.Equal([11L, 22L, 33L], a.Clone().AddInPlace(b).ToArray<long>());
    }

    [Fact]
    public void ElementWiseFunctions_MatchMath()
    {
        using var scope = Torch.NewDisposeScope();
        double[] values = [-1.5, -0.25, 0.5, 2];
        var x = Torch.FromArray(values);

        AssertClose(values.Select(Math.Exp), x.Exp().ToArray<double>());
        AssertClose(values.Select(Math.Tanh), x.Tanh().ToArray<double>());
        AssertClose(values.Select(v => 1 / (1 + Math.Exp(-v))), x.Sigmoid().ToArray<double>());
        AssertClose(values.Select(Math.Abs), x.Abs().ToArray<double>());
        AssertClose(values.Select(v => Math.Max(v, 0)), x.Relu().ToArray<double>());
        AssertClose(values.Select(v => v * v), x.Square().ToArray<double>());
        AssertClose(values.Select(v => Math.Log(Math.Abs(v))), x.Abs().Log().ToArray<double>());
        AssertClose(values.Select(v => Math.Sqrt(Math.Abs(v))), x.Abs().Sqrt().ToArray<double>());
    }

    [Fact]
    public void Std_OverDim_MatchesBesselCorrectedFormula()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray<double>([1, 2, 4, 7, 2, 2, 2, 2], [2, 4]);

        // Row 0: mean 3.5, squared deviations 6.25 + 2.25 + 0.25 + 12.25 = 21.
        AssertClose([Math.Sqrt(21.0 / 3), 0], x.Std(1).ToArray<double>());
        AssertClose([Math.Sqrt(21.0 / 4), 0], x.Std(1, unbiased: false).ToArray<double>());
    }

    [Fact]
    public void Softmax_RowsSumToOneAndMatchDirectComputation()
    {
        using var scope = Torch.NewDisposeScope();
        double[] logits = [1, 2, 3, -1, 0, 1000, 5, 5, 5];
        var x = Torch.FromArray<double>(logits, [3, 3]);

        var probabilities = x.Softmax(1).ToArray<double>();
        var logProbabilities = x.LogSoftmax(1).ToArray<double>();
        var logSumExp = x.LogSumExp(1).ToArray<double>();

        for (var r = 0; r < 3; r++)
        {
            var row = logits.Skip(3 * r).Take(3).ToArray();
            var max = row.Max();
            var lse = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
            Assert.Equal(lse, logSumExp[r], 1e-12);
            Assert.Equal(1.0, probabilities.Skip(3 * r).Take(3).Sum(), 1e-12);
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(Math.Exp(row[c] - lse), probabilities[3 * r + c], 1e-12);
                Assert.Equal(row[c] - lse, logProbabilities[3 * r + c], 1e-9);
            }
        }
    }

    [Fact]
    public void ArgMax_ReturnsIndexOfLargestPerRow()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray<float>([0.1f, 0.7f, 0.2f, 5f, -1f, 4.9f, -3f, -2f, -2.5f], [3, 3]);

        var rows = x.ArgMax(1);
        var columns = x.ArgMax(0, keepDim: true);

        Assert.Equal(ScalarType.Int64, rows.DType);
        Assert.Equal([1L, 0L, 1L], rows.ToArray<long>());
        Assert.Equal([1L, 3L], columns.Shape);
        Assert.Equal([1L, 0L, 1L], columns.ToArray<long>());
    }

    [Fact]
    public void ShapeOps_ProduceExpectedLayout()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Arange(0, 24).Reshape(2, 3, 4);

        Assert.Equal([4L, 2L, 3L], x.Permute(2, 0, 1).Shape);
        Assert.Equal([0L, 4L, 8L, 12L], x.Permute(2, 0, 1).Flatten().Narrow(0, 0, 4).ToArray<long>());
        Assert.Equal([2L, 12L], x.Flatten(1).Shape);
        Assert.Equal([2L, 1L, 3L, 4L], x.Unsqueeze(1).Shape);
        Assert.Equal([2L, 3L, 4L], x.Unsqueeze(1).Squeeze(1).Shape);
        Assert.Equal([5L, 6L, 7L], x.Narrow(2, 1, 3).Narrow(1, 1, 1).Narrow(0, 0, 1).ToArray<long>());
        Assert.Equal([8L, 9L, 10L, 11L, 0L, 1L, 2L, 3L], x.IndexSelect(1, Torch.FromArray<long>([2, 0])).Narrow(0, 0, 1).ToArray<long>());
        Assert.Equal([3L, 0L, 6L, 5L], Torch.Arange(0, 8).Reshape(2, 4).Gather(1, Torch.FromArray<long>([3, 0, 2, 1], [2, 2])).ToArray<long>());
        Assert.Equal([0L, 1L, 0L, 1L, 0L, 1L], Torch.Arange(0, 2).Expand(3, 2).ToArray<long>());
        var a = Torch.FromArray<int>([1, 2]);
        var b = Torch.FromArray<int>([3, 4]);
        Assert.Equal([1, 2, 3, 4], Tensor.Cat([a, b]).ToArray<int>());
        Assert.Equal([1, 3, 2, 4], Tensor.Stack([a, b], 1).ToArray<int>());
        Assert.Equal([1, 4], Tensor.Where(Torch.FromArray<bool>([true, false]), a, b).ToArray<int>());
        Assert.Equal([0L, 1L, 0L, 0L, 0L, 1L], Torch.FromArray<long>([1, 2]).OneHot(3).ToArray<long>());
    }

    [Fact]
    public void To_ConvertsElementType()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray<double>([1.75, -2.5, 3]);

        Assert.Equal([1.75f, -2.5f, 3f], x.To(ScalarType.Float32).ToArray<float>());
        Assert.Equal([1L, -2L, 3L], x.To(ScalarType.Int64).ToArray<long>());
    }

    [Fact]
    public void CloneDetachAlias_HaveTheDocumentedStorageSemantics()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray<float>([1, 2]);
        var clone = x.Clone();
        var alias = x.Alias();

        x.FillInPlace(5);

        Assert.Equal([1f, 2f], clone.ToArray<float>());
        Assert.Equal([5f, 5f], alias.ToArray<float>());
        var p = Torch.Ones([2]);
        p.RequiresGrad = true;
        Assert.True((p * 2.0).RequiresGrad);
        Assert.False((p * 2.0).Detach().RequiresGrad);
    }

    [Fact]
    public void InPlaceOps_UpdateValuesWithoutRecordingHistory()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Torch.FromArray<double>([1, 2]);
        p.RequiresGrad = true;
        var a = Torch.FromArray<double>([3, 4]);

        p.AddInPlace(a, 0.5).MulInPlace(2).MulInPlace(a).AddCMulInPlace(a, a, 1).AddCDivInPlace(a, a, -1);

        // ((1 + 1.5)·2)·3 + 9 − 1 = 23; ((2 + 2)·2)·4 + 16 − 1 = 47
        Assert.Equal([23.0, 47.0], p.ToArray<double>());
        Assert.True(p.RequiresGrad);
        Assert.Null(p.Grad);
        p.CopyInPlace(Torch.FromArray<float>([0.5f, 0.25f]));
        Assert.Equal([0.5, 0.25], p.ToArray<double>());
    }

    [Fact]
    public void Backward_AccumulatesAndZeroGradClears()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray<double>([1, -2, 3]);
        x.RequiresGrad = true;

        (x * x).Sum().Backward();
        Assert.Equal([2.0, -4, 6], x.Grad!.ToArray<double>());
        (x * 3.0).Sum().Backward();
        Assert.Equal([5.0, -1, 9], x.Grad!.ToArray<double>());
        x.ZeroGrad();
        Assert.Equal([0.0, 0, 0], x.Grad!.ToArray<double>());
        x.ZeroGrad(setToNone: true);
        Assert.Null(x.Grad);
        var y = x * 2.0;
        y.Backward(Torch.FromArray<double>([1, 10, 100]));
        Assert.Equal([2.0, 20, 200], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void NoGrad_StopsRecordingAndRestoresTheMode()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([2]);
        x.RequiresGrad = true;

        Assert.True(GradMode.IsEnabled);
        using (Torch.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            Assert.False((x * 2.0).RequiresGrad);
            using (Torch.NoGrad()) Assert.False(GradMode.IsEnabled);
            Assert.False(GradMode.IsEnabled);
        }

        Assert.True(GradMode.IsEnabled);
        Assert.True((x * 2.0).RequiresGrad);
    }

    [Fact]
    public void Randperm_IsAPermutation()
    {
        using var p = Torch.Randperm(100);

        var values = p.ToArray<long>();

        Assert.Equal(ScalarType.Int64, p.DType);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), values.Order());
        Assert.NotEqual(Enumerable.Range(0, 100).Select(i => (long)i), values);
    }

    [Fact]
    public void ManualSeed_SameSeed_ReproducesRandAndRandn()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(1234);
        var a = Torch.Rand([50]).ToArray<float>();
        var n = Torch.Randn([50]).ToArray<float>();
        Torch.ManualSeed(1234);
        var b = Torch.Rand([50]).ToArray<float>();
        var m = Torch.Randn([50]).ToArray<float>();
        Torch.ManualSeed(1235);
        var c = Torch.Rand([50]).ToArray<float>();

        Assert.Equal(a, b);
        Assert.Equal(n, m);
        Assert.NotEqual(a, c);
        Assert.All(a, v => Assert.InRange(v, 0f, 1f));
        Assert.NotEqual(a, n);
    }

    [Fact]
    public void RngState_Restored_ReproducesTheSameNumbers()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(99);
        Torch.Rand([7]);
        var state = Torch.GetRngState();
        var first = Torch.Rand([20]).ToArray<float>();
        var firstPerm = Torch.Randperm(20).ToArray<long>();
        var next = Torch.Rand([20]).ToArray<float>();

        Torch.SetRngState(state);
        var again = Torch.Rand([20]).ToArray<float>();
        var againPerm = Torch.Randperm(20).ToArray<long>();

        Assert.Equal(ScalarType.UInt8, state.DType);
        Assert.Equal(first, again);
        Assert.Equal(firstPerm, againPerm);
        Assert.NotEqual(first, next);
    }

    [Fact]
    public void Threads_SetToOne_ReadsBackOne()
    {
        var original = Torch.Threads;
        try
        {
            Torch.Threads = 1;
            Assert.Equal(1, Torch.Threads);
            Torch.Threads = 2;
            Assert.Equal(2, Torch.Threads);
        }
        finally
        {
            Torch.Threads = original;
        }

        Assert.Equal(original, Torch.Threads);
    }

    [Fact]
    public void Version_IsLibtorchsVersion() => Assert.Matches(@"^\d+\.\d+", Torch.Version);

    [Fact]
    public void ToString_DescribesShapeTypeAndDevice()
    {
        using var t = Torch.Zeros([2, 3], ScalarType.Int64);

        Assert.Equal("Tensor([2, 3], Int64, cpu)", t.ToString());
    }

    private static void AssertClose(IEnumerable<double> expected, double[] actual, double tolerance = 1e-12)
    {
        var e = expected.ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (var i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - actual[i]) <= tolerance, $"element {i}: expected {e[i]:R}, got {actual[i]:R}");
    }
}
