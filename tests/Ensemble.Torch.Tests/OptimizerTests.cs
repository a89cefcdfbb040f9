using Ensemble.Torch;
using Ensemble.Torch.Optim;

namespace Ensemble.Torch.Tests;

/// <summary>Optimizer updates against PyTorch's update rules computed independently in C#.</summary>
public sealed class OptimizerTests
{
    private static readonly double[] s_start = [0.5, -1.0, 2.0, 0.25];
    private static readonly double[] s_coefficients = [1.5, -2.0, 0.25, 3.0];

    // loss = Σ c·p², so the gradient 2·c·p changes from step to step.
    private static double[] Gradient(double[] p) => p.Select((v, i) => 2 * s_coefficients[i] * v).ToArray();

    private static Tensor NewParameter(double[]? values = null)
    {
        var p = Torch.FromArray(values ?? s_start).DetachFromDisposeScope();
        p.RequiresGrad = true;
        return p;
    }

    private static void TrainStep(Optimizer optimizer, Tensor p)
    {
        using var scope = Torch.NewDisposeScope();
        optimizer.ZeroGrad();
        var c = Torch.FromArray(s_coefficients);
        (p.Square() * c).Sum().Backward();
        optimizer.Step();
    }

    private static double[] ReferenceSgd(int steps, double lr, double momentum, double weightDecay, bool nesterov, double dampening)
    {
        var p = (double[])s_start.Clone();
        double[]? buffer = null;
        for (var t = 1; t <= steps; t++)
        {
            var g = Gradient(p);
            for (var i = 0; i < p.Length; i++) g[i] += weightDecay * p[i];
            if (momentum != 0)
            {
                if (buffer is null) buffer = (double[])g.Clone();
                else for (var i = 0; i < p.Length; i++) buffer[i] = momentum * buffer[i] + (1 - dampening) * g[i];
                for (var i = 0; i < p.Length; i++) g[i] = nesterov ? g[i] + momentum * buffer[i] : buffer[i];
            }

            for (var i = 0; i < p.Length; i++) p[i] -= lr * g[i];
        }

        return p;
    }

    private static double[] ReferenceAdamW(int steps, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        var p = (double[])s_start.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (var t = 1; t <= steps; t++)
        {
            var g = Gradient(p);
            for (var i = 0; i < p.Length; i++)
            {
                p[i] *= 1 - lr * weightDecay;
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                var mHat = m[i] / (1 - Math.Pow(beta1, t));
                var denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(beta2, t)) + eps;
                p[i] -= lr * mHat / denominator;
            }
        }

        return p;
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * (1 + Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Sgd_Plain_OneStepSubtractsLearningRateTimesGradient()
    {
        using var p = NewParameter();
        using var sgd = new Sgd([p], learningRate: 0.1);

        TrainStep(sgd, p);

        // p − 0.1·2·c·p = p·(1 − 0.2·c)
        AssertClose([0.5 * 0.7, -1.0 * 1.4, 2.0 * 0.95, 0.25 * 0.4], p.ToArray<double>());
        Assert.Equal(1, sgd.StepCount);
    }

    [Fact]
    public void Sgd_MomentumAndWeightDecay_ThreeStepsMatchPyTorchRule()
    {
        using var p = NewParameter();
        using var sgd = new Sgd([p], learningRate: 0.05, momentum: 0.9, weightDecay: 0.01);

        for (var i = 0; i < 3; i++) TrainStep(sgd, p);

        AssertClose(ReferenceSgd(3, 0.05, 0.9, 0.01, nesterov: false, dampening: 0), p.ToArray<double>());
    }

    [Fact]
    public void Sgd_NesterovAndWeightDecay_ThreeStepsMatchPyTorchRule()
    {
        using var p = NewParameter();
        using var sgd = new Sgd([p], learningRate: 0.05, momentum: 0.8, weightDecay: 0.02, nesterov: true);

        for (var i = 0; i < 3; i++) TrainStep(sgd, p);

        var expected = ReferenceSgd(3, 0.05, 0.8, 0.02, nesterov: true, dampening: 0);
        AssertClose(expected, p.ToArray<double>());
        // Nesterov really differs from classical momentum here.
        Assert.NotEqual(ReferenceSgd(3, 0.05, 0.8, 0.02, nesterov: false, dampening: 0)[0], expected[0], 6);
    }

    [Fact]
    public void Sgd_Dampening_ThreeStepsMatchPyTorchRule()
    {
        using var p = NewParameter();
        using var sgd = new Sgd([p], learningRate: 0.05, momentum: 0.9, dampening: 0.3);

        for (var i = 0; i < 3; i++) TrainStep(sgd, p);

        AssertClose(ReferenceSgd(3, 0.05, 0.9, 0, nesterov: false, dampening: 0.3), p.ToArray<double>());
    }

    [Fact]
    public void Sgd_NesterovWithoutMomentum_ThrowsArgumentException()
    {
        using var p = NewParameter();

        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, momentum: 0, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, momentum: 0.9, nesterov: true, dampening: 0.1));
    }

    [Fact]
    public void AdamW_ThreeSteps_MatchDocumentedFormula()
    {
        using var p = NewParameter();
        using var adam = new AdamW([p], learningRate: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-3, weightDecay: 0.1);

        for (var i = 0; i < 3; i++) TrainStep(adam, p);

        AssertClose(ReferenceAdamW(3, 0.01, 0.8, 0.95, 1e-3, 0.1), p.ToArray<double>());
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void AdamW_DefaultHyperParameters_ThreeStepsMatchDocumentedFormula()
    {
        using var p = NewParameter();
        using var adam = new AdamW([p]);

        for (var i = 0; i < 3; i++) TrainStep(adam, p);

        AssertClose(ReferenceAdamW(3, 1e-3, 0.9, 0.999, 1e-8, 1e-2), p.ToArray<double>());
    }

    [Fact]
    public void Step_ParameterWithoutGradient_IsLeftUnchanged()
    {
        using var used = NewParameter();
        using var unused = NewParameter([1, 2]);
        using var adam = new AdamW([used, unused], learningRate: 0.1, weightDecay: 0.5);

        TrainStep(adam, used);

        Assert.Equal([1.0, 2.0], unused.ToArray<double>());
        Assert.NotEqual(s_start, used.ToArray<double>());
        Assert.DoesNotContain(adam.StateDict().Keys, k => k.EndsWith(".1", StringComparison.Ordinal));
    }

    [Fact]
    public void Step_LearningRateChangedBetweenSteps_UsesTheNewRate()
    {
        using var p = NewParameter();
        using var sgd = new Sgd([p], learningRate: 0.1);

        sgd.LearningRate = 0.3;
        TrainStep(sgd, p);

        AssertClose(ReferenceSgd(1, 0.3, 0, 0, false, 0), p.ToArray<double>());
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = double.NaN);
    }

    [Fact]
    public void ZeroGrad_ZeroesEveryParametersGradientInPlace_OrDropsItWhenSetToNone()
    {
        using var p = NewParameter();
        using var sgd = new Sgd([p], learningRate: 0.1);
        using (Torch.NewDisposeScope()) p.Sum().Backward();
        Assert.NotNull(p.Grad);

        sgd.ZeroGrad();
        using (Torch.NewDisposeScope()) Assert.All(p.Grad!.ToArray<double>(), g => Assert.Equal(0.0, g));

        sgd.ZeroGrad(setToNone: true);
        Assert.Null(p.Grad);
    }

    [Fact]
    public void AdamW_StateDict_LoadedIntoASecondOptimizerContinuesIdentically()
    {
        using var a = NewParameter();
        using var adamA = new AdamW([a], learningRate: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-6, weightDecay: 0.1);
        for (var i = 0; i < 3; i++) TrainStep(adamA, a);

        var state = adamA.StateDict();
        Assert.Equal(["exp_avg.0", "exp_avg_sq.0", "step"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3.0, state["step"].Item());
        using var b = NewParameter(a.ToArray<double>());
        using var adamB = new AdamW([b], learningRate: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-6, weightDecay: 0.1);
        adamB.LoadStateDict(state);

        // A runs its last two steps first: B must have copied the state, not aliased it.
        TrainStep(adamA, a);
        TrainStep(adamA, a);
        TrainStep(adamB, b);
        TrainStep(adamB, b);

        Assert.Equal(5, adamB.StepCount);
        Assert.Equal(a.ToArray<double>(), b.ToArray<double>());
        AssertClose(ReferenceAdamW(5, 0.05, 0.8, 0.9, 1e-6, 0.1), b.ToArray<double>());
    }

    [Fact]
    public void Sgd_StateDict_LoadedIntoASecondOptimizerContinuesIdentically()
    {
        using var a = NewParameter();
        using var sgdA = new Sgd([a], learningRate: 0.05, momentum: 0.9, weightDecay: 0.01);
        for (var i = 0; i < 3; i++) TrainStep(sgdA, a);

        var state = sgdA.StateDict();
        Assert.Equal(["momentum_buffer.0", "step"], state.Keys.Order(StringComparer.Ordinal));
        using var b = NewParameter(a.ToArray<double>());
        using var sgdB = new Sgd([b], learningRate: 0.05, momentum: 0.9, weightDecay: 0.01);
        sgdB.LoadStateDict(state);

        TrainStep(sgdA, a);
        TrainStep(sgdA, a);
        TrainStep(sgdB, b);
        TrainStep(sgdB, b);

        Assert.Equal(a.ToArray<double>(), b.ToArray<double>());
        AssertClose(ReferenceSgd(5, 0.05, 0.9, 0.01, nesterov: false, dampening: 0), b.ToArray<double>());
    }

    [Fact]
    public void LoadStateDict_WithoutStep_ThrowsArgumentException()
    {
        using var p = NewParameter();
        using var sgd = new Sgd([p], 0.1, momentum: 0.9);

        Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(new Dictionary<string, Tensor>()));
    }

    [Fact]
    public void Dispose_FreesEveryStateTensor()
    {
        using var p = NewParameter();
        var before = LiveTensors.Settled();
        var adam = new AdamW([p]);
        for (var i = 0; i < 2; i++) TrainStep(adam, p);
        adam.StateDict();
        Assert.Equal(before + 3, Torch.LiveTensorCount);

        adam.Dispose();

        Assert.Equal(before, Torch.LiveTensorCount);
    }
}
