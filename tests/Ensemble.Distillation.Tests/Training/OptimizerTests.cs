using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Training;

/// <summary>
/// The optimizers <see cref="Trainer.CreateOptimizer"/> builds from the training options, against PyTorch's update
/// rules computed independently in C# (float64).
/// </summary>
public sealed class OptimizerTests
{
    private static readonly double[] s_start = [0.5, -1.0, 2.0, 0.25];
    private static readonly double[] s_coefficients = [1.5, -2.0, 0.25, 3.0];

    /// <summary>A module holding one float64 parameter vector p, trained on loss = Σ c·p².</summary>
    private sealed class Quadratic : nn.Module<Tensor, Tensor>
    {
        public Quadratic(double[] start) : base(nameof(Quadratic))
        {
            P = new Parameter(tensor(start));
            register_parameter("p", P);
        }

        public Parameter P { get; }

        public override Tensor forward(Tensor input) => input;

        public double[] Values => P.data<double>().ToArray();
    }

    // loss = Σ c·p², so the gradient 2·c·p changes from step to step.
    private static double[] Gradient(double[] p) => p.Select((v, i) => 2 * s_coefficients[i] * v).ToArray();

    private static OptimizerHelper Create(Quadratic model, TrainingOptions options) =>
        new Trainer(ModelSpec.DefaultMlp, options).CreateOptimizer(model);

    private static void TrainStep(OptimizerHelper optimizer, Quadratic model)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        (model.P.square() * tensor(s_coefficients)).sum().backward();
        optimizer.step();
    }

    private static double[] ReferenceSgd(int steps, double lr, double momentum, double weightDecay, bool nesterov)
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
                else for (var i = 0; i < p.Length; i++) buffer[i] = momentum * buffer[i] + g[i];
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
        using var model = new Quadratic(s_start);
        using var sgd = Create(model, new TrainingOptions { LearningRate = 0.1, Momentum = 0, WeightDecay = 0 });

        TrainStep(sgd, model);

        // p − 0.1·2·c·p = p·(1 − 0.2·c)
        AssertClose([0.5 * 0.7, -1.0 * 1.4, 2.0 * 0.95, 0.25 * 0.4], model.Values);
    }

    [Fact]
    public void Sgd_MomentumAndWeightDecay_ThreeStepsMatchPyTorchRule()
    {
        using var model = new Quadratic(s_start);
        using var sgd = Create(model, new TrainingOptions { LearningRate = 0.05, Momentum = 0.9, WeightDecay = 0.01 });

        for (var i = 0; i < 3; i++) TrainStep(sgd, model);

        AssertClose(ReferenceSgd(3, 0.05, 0.9, 0.01, nesterov: false), model.Values);
    }

    [Fact]
    public void Sgd_NesterovAndWeightDecay_ThreeStepsMatchPyTorchRule()
    {
        using var model = new Quadratic(s_start);
        using var sgd = Create(model, new TrainingOptions { LearningRate = 0.05, Momentum = 0.8, WeightDecay = 0.02, Nesterov = true });

        for (var i = 0; i < 3; i++) TrainStep(sgd, model);

        var expected = ReferenceSgd(3, 0.05, 0.8, 0.02, nesterov: true);
        AssertClose(expected, model.Values);
        // Nesterov really differs from classical momentum here.
        Assert.NotEqual(ReferenceSgd(3, 0.05, 0.8, 0.02, nesterov: false)[0], expected[0], 6);
    }

    [Fact]
    public void AdamW_ThreeSteps_MatchDocumentedFormulaWithPyTorchsDefaults()
    {
        using var model = new Quadratic(s_start);
        using var adam = Create(model, new TrainingOptions { Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0.1 });

        for (var i = 0; i < 3; i++) TrainStep(adam, model);

        // β = (0.9, 0.999), ε = 1e-8: PyTorch's defaults; the weight decay is decoupled.
        AssertClose(ReferenceAdamW(3, 0.01, 0.9, 0.999, 1e-8, 0.1), model.Values);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.AdamW)]
    public void StateDict_LoadedIntoASecondOptimizer_ContinuesIdentically(OptimizerKind kind)
    {
        // What a checkpoint relies on: the optimizer state written to a stream and read back into a fresh optimizer.
        var options = new TrainingOptions { Optimizer = kind, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 0.01 };
        using var a = new Quadratic(s_start);
        using var optimizerA = Create(a, options);
        for (var i = 0; i < 3; i++) TrainStep(optimizerA, a);

        using var state = new MemoryStream();
        using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true)) optimizerA.save_state_dict(writer);
        using var b = new Quadratic(a.Values);
        using var optimizerB = Create(b, options);
        state.Position = 0;
        using (var reader = new BinaryReader(state)) optimizerB.load_state_dict(reader);

        // A runs its last two steps first: B must have copied the state, not aliased it.
        TrainStep(optimizerA, a);
        TrainStep(optimizerA, a);
        TrainStep(optimizerB, b);
        TrainStep(optimizerB, b);

        Assert.Equal(a.Values, b.Values);
        AssertClose(kind == OptimizerKind.Sgd ? ReferenceSgd(5, 0.05, 0.9, 0.01, nesterov: false) : ReferenceAdamW(5, 0.05, 0.9, 0.999, 1e-8, 0.01), b.Values);
    }
}
