using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Losses;

/// <summary>
/// Autograd's gradient of a scalar function against central finite differences, in float64, element by element
/// (the approach of the Torch tests' GradientCheck, for scalar losses).
/// </summary>
internal static class GradientCheck
{
    private const double Step = 1e-6;

    /// <summary>Seeded samples of N(0, <paramref name="scale"/>²)-ish spread (uniform in ±scale·√3), row-major.</summary>
    public static double[] Sample(int count, int seed, double scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2 - 1) * scale * Math.Sqrt(3)).ToArray();
    }

    /// <summary>Autograd's gradient of the scalar <paramref name="loss"/> at <paramref name="x0"/> (float64).</summary>
    public static double[] Autograd(Func<Tensor, Tensor> loss, double[] x0, long[] shape)
    {
        using var scope = NewDisposeScope();
        var x = tensor(x0, shape).requires_grad_();
        var y = loss(x);
        Assert.Empty(y.shape);
        Assert.Equal(ScalarType.Float64, y.dtype);
        y.backward();
        return x.grad!.data<double>().ToArray();
    }

    /// <summary>Central differences of the scalar <paramref name="loss"/> at <paramref name="x0"/>.</summary>
    public static double[] FiniteDifferences(Func<Tensor, Tensor> loss, double[] x0, long[] shape)
    {
        var numeric = new double[x0.Length];
        var perturbed = (double[])x0.Clone();
        for (var i = 0; i < x0.Length; i++)
        {
            perturbed[i] = x0[i] + Step;
            var plus = Value(loss, perturbed, shape);
            perturbed[i] = x0[i] - Step;
            var minus = Value(loss, perturbed, shape);
            perturbed[i] = x0[i];
            numeric[i] = (plus - minus) / (2 * Step);
        }

        return numeric;
    }

    /// <summary>Asserts that autograd and finite differences agree, and that the gradient is not (almost) zero.</summary>
    public static void Check(Func<Tensor, Tensor> loss, double[] x0, long[] shape)
    {
        var analytic = Autograd(loss, x0, shape);
        var numeric = FiniteDifferences(loss, x0, shape);
        // A check against a gradient that is zero everywhere proves nothing.
        Assert.True(numeric.Max(Math.Abs) > 1e-3, $"the numeric gradient is (almost) zero everywhere: [{string.Join(", ", numeric)}]");
        AssertClose(numeric, analytic, 1e-6);
    }

    /// <summary>Element-wise |expected − actual| ≤ tolerance·(1 + |expected|).</summary>
    public static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static double Value(Func<Tensor, Tensor> loss, double[] values, long[] shape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return loss(tensor(values, shape)).item<double>();
    }
}
