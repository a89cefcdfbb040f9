using Ensemble.Torch;
using Ensemble.Torch.Nn;
using Ensemble.Torch.Optim;

namespace Ensemble.Torch.Tests;

/// <summary>Layers, parameter naming, train/eval behaviour, state dicts, and end-to-end training.</summary>
public sealed class ModuleTests
{
    [Fact]
    public void Linear_Forward_ComputesXWTransposePlusBias()
    {
        using var scope = Torch.NewDisposeScope();
        using var linear = new Linear(3, 2);
        var state = linear.StateDict();
        var w = state["weight"].ToArray<float>();
        var b = state["bias"].ToArray<float>();
        float[] x = [1, 2, 3, -1, 0.5f, 4];

        var y = linear.Forward(Torch.FromArray<float>(x, [2, 3]));

        Assert.Equal([2L, 2L], y.Shape);
        var actual = y.ToArray<float>();
        for (var r = 0; r < 2; r++)
        {
            for (var o = 0; o < 2; o++)
            {
                var expected = b[o];
                for (var i = 0; i < 3; i++) expected += x[r * 3 + i] * w[o * 3 + i];
                Assert.Equal(expected, actual[r * 2 + o], 5);
            }
        }
    }

    [Fact]
    public void Linear_Initialisation_IsWithinPyTorchBound()
    {
        Torch.ManualSeed(5);
        using var linear = new Linear(16, 32);
        var bound = 1 / Math.Sqrt(16);
        var weights = linear.StateDict()["weight"].ToArray<float>();

        Assert.Equal(16 * 32 + 32, linear.ParameterCount);
        Assert.All(weights, v => Assert.InRange(v, -bound, bound));
        // Uniform on [−b, b] has standard deviation b/√3; not all zeros, not a constant.
        var mean = weights.Average();
        var std = Math.Sqrt(weights.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(std, 0.8 * bound / Math.Sqrt(3), 1.2 * bound / Math.Sqrt(3));
    }

    [Fact]
    public void Layers_OutputShapes()
    {
        using var scope = Torch.NewDisposeScope();
        using var linear = new Linear(3, 5, bias: false);
        using var conv = new Conv2d(3, 8, 3, padding: 1);
        using var strided = new Conv2d(3, 4, 3, stride: 2, padding: 1);
        using var valid = new Conv2d(3, 4, 5);
        using var norm = new BatchNorm2d(8);
        using var pool = new MaxPool2d(2);
        using var flatten = new Flatten();

        Assert.Equal([4L, 5L], linear.Forward(Torch.Zeros([4, 3])).Shape);
        Assert.Equal([2L, 8L, 8L, 8L], conv.Forward(Torch.Zeros([2, 3, 8, 8])).Shape);
        Assert.Equal([2L, 4L, 4L, 4L], strided.Forward(Torch.Zeros([2, 3, 8, 8])).Shape);
        Assert.Equal([2L, 4L, 4L, 4L], valid.Forward(Torch.Zeros([2, 3, 8, 8])).Shape);
        Assert.Equal([2L, 8L, 8L, 8L], norm.Forward(Torch.Rand([2, 8, 8, 8])).Shape);
        Assert.Equal([2L, 8L, 4L, 4L], pool.Forward(Torch.Zeros([2, 8, 8, 8])).Shape);
        Assert.Equal([2L, 512L], flatten.Forward(Torch.Zeros([2, 8, 8, 8])).Shape);
        Assert.Equal(15, linear.ParameterCount);
        Assert.Equal(8 * 3 * 9 + 8, conv.ParameterCount);
    }

    [Fact]
    public void Conv2d_Forward_MatchesDirectConvolutionWithZeroPadding()
    {
        using var scope = Torch.NewDisposeScope();
        using var conv = new Conv2d(1, 1, 3, padding: 1);
        var w = conv.StateDict()["weight"].ToArray<float>();
        var bias = conv.StateDict()["bias"].ToArray<float>()[0];
        var x = Enumerable.Range(0, 16).Select(i => (float)(i % 5) - 2).ToArray();

        var y = conv.Forward(Torch.FromArray<float>(x, [1, 1, 4, 4])).ToArray<float>();

        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                var expected = bias;
                for (var i = 0; i < 3; i++)
                {
                    for (var j = 0; j < 3; j++)
                    {
                        int rr = r + i - 1, cc = c + j - 1;
                        if (rr is >= 0 and < 4 && cc is >= 0 and < 4) expected += w[i * 3 + j] * x[rr * 4 + cc];
                    }
                }

                Assert.Equal(expected, y[r * 4 + c], 5);
            }
        }
    }

    [Fact]
    public void MaxPool2d_Forward_TakesWindowMaxima()
    {
        using var scope = Torch.NewDisposeScope();
        using var pool = new MaxPool2d(2);
        var x = Torch.FromArray<float>([1, 5, 2, 0, 3, 4, 8, 7, -1, -2, 0, 0, -3, -4, 0, 9], [1, 1, 4, 4]);

        Assert.Equal([5f, 8f, -1f, 9f], pool.Forward(x).ToArray<float>());
        Assert.Equal([3.25f, 4.25f, -2.5f, 2.25f], Functional.AvgPool2d(x, 2).ToArray<float>());
        // Left half: 1+5+3+4−1−2−3−4 = 3 over 8; right half: 2+0+8+7+0+0+0+9 = 26 over 8.
        Assert.Equal([0.375f, 3.25f], Functional.AdaptiveAvgPool2d(x, 1, 2).ToArray<float>());
    }

    [Fact]
    public void Sequential_NamesParametersAndBuffersLikePyTorch()
    {
        using var model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Relu(), new Flatten(), new Linear(8, 3));

        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["1.running_mean", "1.running_var"], model.NamedBuffers().Select(b => b.Name));
        Assert.Equal(8, model.StateDict().Count);
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.All(model.NamedBuffers(), b => Assert.False(b.Tensor.RequiresGrad));
        Assert.Equal(2 * 9 + 2 + 2 + 2 + 8 * 3 + 3, model.ParameterCount);
        Assert.Equal(5, model.Layers.Count);
    }

    [Fact]
    public void TrainEval_PropagatesToChildren()
    {
        using var model = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5)));

        model.Eval();
        Assert.False(model.IsTraining);
        Assert.False(model.Layers[1].IsTraining);
        Assert.False(((Sequential)model.Layers[1]).Layers[0].IsTraining);
        model.Train();
        Assert.True(((Sequential)model.Layers[1]).Layers[0].IsTraining);
    }

    [Fact]
    public void BatchNorm2d_TrainingForward_NormalisesWithBatchStatsAndUpdatesRunningStats()
    {
        using var scope = Torch.NewDisposeScope();
        using var norm = new BatchNorm2d(2);
        // Channel 0 holds 1…8, channel 1 holds 10, 20, …, 80 (batch 2, 2×2 images).
        float[] x = [1, 2, 3, 4, 10, 20, 30, 40, 5, 6, 7, 8, 50, 60, 70, 80];
        var input = Torch.FromArray<float>(x, [2, 2, 2, 2]);

        var y = norm.Forward(input).ToArray<float>();

        double[][] channels = [[1, 2, 3, 4, 5, 6, 7, 8], [10, 20, 30, 40, 50, 60, 70, 80]];
        var runningMean = norm.StateDict()["running_mean"].ToArray<float>();
        var runningVar = norm.StateDict()["running_var"].ToArray<float>();
        for (var c = 0; c < 2; c++)
        {
            var mean = channels[c].Average();
            var biased = channels[c].Average(v => (v - mean) * (v - mean));
            var unbiased = biased * 8 / 7;
            Assert.Equal(0.9 * 0 + 0.1 * mean, runningMean[c], 4);
            Assert.Equal(0.9 * 1 + 0.1 * unbiased, runningVar[c], 3);
            // y = (x − mean)/√(biased var + eps) with γ = 1, β = 0.
            Assert.Equal((1 * Math.Pow(10, c) - mean) / Math.Sqrt(biased + 1e-5), y[c * 4], 4);
        }
    }

    [Fact]
    public void BatchNorm2d_EvalMode_UsesRunningStats()
    {
        using var scope = Torch.NewDisposeScope();
        using var norm = new BatchNorm2d(1);
        norm.Forward(Torch.FromArray<float>([2, 4, 6, 8], [4, 1, 1, 1]));
        // running mean = 0.1·5 = 0.5; running var = 0.9 + 0.1·(20/3)
        var runningVar = 0.9 + 0.1 * (20.0 / 3);
        norm.Eval();

        var y = norm.Forward(Torch.FromArray<float>([0.5f, 3], [2, 1, 1, 1])).ToArray<float>();

        Assert.Equal(0, y[0], 5);
        Assert.Equal(2.5 / Math.Sqrt(runningVar + 1e-5), y[1], 5);
        // Evaluation leaves the running statistics alone.
        Assert.Equal(0.5f, norm.StateDict()["running_mean"].ToArray<float>()[0], 5);
    }

    [Fact]
    public void Dropout_EvalMode_IsTheIdentity()
    {
        using var scope = Torch.NewDisposeScope();
        using var dropout = new Dropout(0.5);
        dropout.Eval();
        var x = Torch.Rand([1000]);

        Assert.Equal(x.ToArray<float>(), dropout.Forward(x).ToArray<float>());
    }

    [Fact]
    public void Dropout_TrainingMode_ZeroesAboutPAndScalesTheRest()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(11);
        using var dropout = new Dropout(0.3);
        var input = Torch.Rand([20000]).Add(Torch.Ones([1]));
        var x = input.ToArray<float>();

        var y = dropout.Forward(input).ToArray<float>();

        var zeroed = y.Count(v => v == 0);
        Assert.InRange(zeroed / 20000.0, 0.28, 0.32);
        for (var i = 0; i < y.Length; i++)
        {
            if (y[i] != 0) Assert.Equal(x[i] / 0.7, y[i], 1e-5);
        }
    }

    [Fact]
    public void Dropout_ProbabilityOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.1));
    }

    [Fact]
    public void LoadStateDict_MatchingState_CopiesValues()
    {
        using var scope = Torch.NewDisposeScope();
        using var source = new Sequential(new Linear(2, 3), new BatchNorm2d(3));
        using var target = new Sequential(new Linear(2, 3), new BatchNorm2d(3));
        source.StateDict()["1.running_mean"].FillInPlace(0.25);

        target.LoadStateDict(source.StateDict());

        foreach (var (name, tensor) in source.StateDict())
        {
            Assert.Equal(tensor.ToArray<float>(), target.StateDict()[name].ToArray<float>());
            Assert.NotSame(tensor, target.StateDict()[name]);
        }

        Assert.True(target.Parameters().All(p => p.RequiresGrad));
    }

    [Fact]
    public void LoadStateDict_MissingUnexpectedAndMisshapen_ThrowsListingEveryProblem()
    {
        using var scope = Torch.NewDisposeScope();
        using var model = new Sequential(new Linear(2, 3), new Relu(), new Linear(3, 1));
        var original = model.StateDict()["0.bias"].ToArray<float>();
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Torch.Zeros([3, 2]),
            ["0.bias"] = Torch.Zeros([3]),
            ["2.weight"] = Torch.Zeros([1, 4]),
            ["3.weight"] = Torch.Zeros([1]),
        };

        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));

        Assert.Contains("missing '2.bias'", e.Message);
        Assert.Contains("unexpected '3.weight'", e.Message);
        Assert.Contains("'2.weight' has shape [1, 4], the model expects [1, 3]", e.Message);
        // Nothing was copied.
        Assert.Equal(original, model.StateDict()["0.bias"].ToArray<float>());
    }

    [Fact]
    public void Dispose_FreesEveryParameterAndBuffer()
    {
        var before = LiveTensors.Settled();
        var model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Linear(2, 2));
        Assert.Equal(before + 8, Torch.LiveTensorCount);

        model.Dispose();

        Assert.Equal(before, Torch.LiveTensorCount);
    }

    [Fact]
    public void Sequential_TrainedWithSgdOnXor_ReachesFullTrainingAccuracy()
    {
        Torch.ManualSeed(7);
        using var scope = Torch.NewDisposeScope();
        // Four clusters around the corners of the square; the label is XOR of the coordinates' signs.
        var random = new Random(7);
        var points = new float[64 * 2];
        var labels = new long[64];
        for (var i = 0; i < 64; i++)
        {
            var a = i % 2;
            var b = (i / 2) % 2;
            points[2 * i] = (a == 1 ? 1 : -1) + (float)(0.2 * (random.NextDouble() - 0.5));
            points[2 * i + 1] = (b == 1 ? 1 : -1) + (float)(0.2 * (random.NextDouble() - 0.5));
            labels[i] = a ^ b;
        }

        var x = Torch.FromArray<float>(points, [64, 2]);
        var y = Torch.FromArray(labels);
        using var model = new Sequential(new Linear(2, 16), new Relu(), new Linear(16, 2));
        using var sgd = new Sgd(model.Parameters(), learningRate: 0.1, momentum: 0.9);

        double firstLoss = 0, lastLoss = 0;
        for (var step = 0; step < 300; step++)
        {
            using var stepScope = Torch.NewDisposeScope();
            var loss = Functional.CrossEntropy(model.Forward(x), y);
            sgd.ZeroGrad();
            loss.Backward();
            sgd.Step();
            if (step == 0) firstLoss = loss.Item();
            lastLoss = loss.Item();
        }

        model.Eval();
        var predicted = model.Forward(x).ArgMax(1).ToArray<long>();
        Assert.Equal(labels, predicted);
        Assert.True(lastLoss < 0.1 * firstLoss, $"loss went from {firstLoss} to {lastLoss}");
    }
}
