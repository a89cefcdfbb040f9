using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Losses;

/// <summary>
/// Compares autograd's gradient of <c>Σ f(x)·w</c> (w fixed and random) with central finite differences, in float64,
/// element by element: the check for functions whose value is not a scalar (a loss with no reduction). It also checks
/// that f leaves no tensor behind.
/// </summary>
internal static class WeightedGradientCheck
{
    private const double Step = 1e-6;

    /// <summary>Uniform samples in (−1, 1).</summary>
    public static double Uniform(Random random) => random.NextDouble() * 2 - 1;

    /// <summary>Samples in [0.5, 2], for functions defined on the positive numbers.</summary>
    public static double Positive(Random random) => 0.5 + 1.5 * random.NextDouble();

    /// <summary>Seeded values for an input of <paramref name="shape"/>.</summary>
    public static double[] Sample(long[] shape, int seed = 1, Func<Random, double>? sampler = null)
    {
        var random = new Random(seed);
        sampler ??= Uniform;
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[count];
        for (var i = 0; i < values.Length; i++) values[i] = sampler(random);
        return values;
    }

    /// <summary>Checks f's gradient at seeded values of the given shape.</summary>
    public static void Check(Func<Tensor, Tensor> f, long[] shape, Func<Random, double>? sampler = null, int seed = 1) =>
        Check(f, Sample(shape, seed, sampler), shape, seed);

    /// <summary>Checks f's gradient at <paramref name="x0"/>.</summary>
    public static void Check(Func<Tensor, Tensor> f, double[] x0, long[] shape, int seed = 1)
    {
        var before = TestTensors.SettledLiveTensors();
        double[] analytic;
        var numeric = new double[x0.Length];
        using (var scope = NewDisposeScope())
        {
            var x = tensor(x0, shape).requires_grad_();
            var y = f(x);
            Assert.Equal(ScalarType.Float64, y.dtype);
            var w = tensor(Sample(y.shape, seed + 1000), y.shape);
            (y * w).sum().backward();
            var grad = x.grad;
            Assert.NotNull(grad);
            analytic = grad.data<double>().ToArray();

            using var noGrad = no_grad();
            var perturbed = (double[])x0.Clone();
            for (var i = 0; i < x0.Length; i++)
            {
                perturbed[i] = x0[i] + Step;
                var plus = Objective(f, perturbed, shape, w);
                perturbed[i] = x0[i] - Step;
                var minus = Objective(f, perturbed, shape, w);
                perturbed[i] = x0[i];
                numeric[i] = (plus - minus) / (2 * Step);
            }
        }

        // A check against a gradient that is zero everywhere proves nothing.
        Assert.True(numeric.Max(Math.Abs) > 1e-3, $"the numeric gradient is (almost) zero everywhere: [{string.Join(", ", numeric)}]");
        Assert.Equal(x0.Length, analytic.Length);
        for (var i = 0; i < x0.Length; i++)
        {
            var tolerance = 1e-5 * (1 + Math.Abs(numeric[i]));
            Assert.True(Math.Abs(analytic[i] - numeric[i]) <= tolerance,
                $"element {i}: autograd {analytic[i]:R}, finite differences {numeric[i]:R}");
        }

        Assert.Equal(before, Tensor.TotalCount);
    }

    private static double Objective(Func<Tensor, Tensor> f, double[] values, long[] shape, Tensor w)
    {
        using var scope = NewDisposeScope();
        return (f(tensor(values, shape)) * w).sum().item<double>();
    }
}
