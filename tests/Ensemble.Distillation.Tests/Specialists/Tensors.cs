using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Specialists;

/// <summary>Small helpers to move test data in and out of tensors.</summary>
internal static class Tensors
{
    /// <summary>A float64 N×K tensor with the values of <paramref name="values"/>.</summary>
    public static Tensor Matrix(double[,] values)
    {
        var flat = new double[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, values.Length * sizeof(double));
        return tensor(flat, [values.GetLength(0), values.GetLength(1)]);
    }

    /// <summary>An int64 label vector.</summary>
    public static Tensor Labels(params long[] labels) => tensor(labels);

    /// <summary>The rows of an N×K tensor, as float64.</summary>
    public static double[][] Rows(Tensor t)
    {
        using var scope = NewDisposeScope();
        var k = (int)t.size(1);
        var values = t.to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
        return Enumerable.Range(0, (int)t.size(0)).Select(r => values.AsSpan(r * k, k).ToArray()).ToArray();
    }
}
