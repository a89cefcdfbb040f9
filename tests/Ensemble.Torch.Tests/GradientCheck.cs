using Ensemble.Torch;

namespace Ensemble.Torch.Tests;

/// <summary>
/// Compares autograd's gradient of <c>Σ f(x)·w</c> (w fixed and random) with central finite differences,
/// in float64, element by element.
/// </summary>
internal static class GradientCheck
{
    private const double Step = 1e-6;

    /// <summary>Uniform samples in (−1, 1).</summary>
    public static double Uniform(Random random) => random.NextDouble() * 2 - 1;

    /// <summary>Samples with 0.2 ≤ |x| ≤ 1, for functions with a kink at zero.</summary>
    public static double AwayFromZero(Random random) => (0.2 + 0.8 * random.NextDouble()) * (random.Next(2) == 0 ? -1 : 1);

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
        var before = LiveTensors.Settled();
        double[] analytic;
        double[] numeric = new double[x0.Length];
        using (var scope = Torch.NewDisposeScope())
        {
            var x = Torch.FromArray<double>(x0, shape);
            x.RequiresGrad = true;
            var y = f(x);
            Assert.Equal(ScalarType.Float64, y.DType);
            var weights = Sample(y.Shape, seed + 1000);
            var w = Torch.FromArray<double>(weights, y.Shape);
            (y * w).Sum().Backward();
            var grad = x.Grad;
            Assert.NotNull(grad);
            analytic = grad.ToArray<double>();

            using var noGrad = Torch.NoGrad();
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

        Assert.Equal(before, Torch.LiveTensorCount);
    }

    private static double Objective(Func<Tensor, Tensor> f, double[] values, long[] shape, Tensor w)
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray<double>(values, shape);
        return (f(x) * w).Sum().Item();
    }
}
