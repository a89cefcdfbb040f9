using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Losses;

/// <summary>Small float64 tensors written as C# literals.</summary>
internal static class TestTensors
{
    /// <summary>A float64 N×K tensor holding <paramref name="rows"/>.</summary>
    public static Tensor Matrix(double[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    /// <summary>A float64 tensor of <paramref name="shape"/> holding <paramref name="values"/> (row-major).</summary>
    public static Tensor Float64(double[] values, long[] shape) => tensor(values, shape);

    /// <summary>A float64 N×K tensor of ln(values): its softmax is the row-normalised values.</summary>
    public static Tensor LogOf(double[][] rows, double scale = 1) =>
        Matrix(rows.Select(r => r.Select(v => scale * Math.Log(v)).ToArray()).ToArray());

    /// <summary>int64 labels.</summary>
    public static Tensor Labels(params long[] labels) => tensor(labels);

    /// <summary>The elements of a float64 tensor, row-major.</summary>
    public static double[] Values(Tensor t) => t.contiguous().data<double>().ToArray();

    /// <summary>The live tensor count once the finalizers have run (a baseline for leak checks).</summary>
    /// <remarks>
    /// Without settling, the finalizer thread can free an earlier test's forgotten tensor in the middle of a check,
    /// and the count then drops below a baseline it was never part of.
    /// </remarks>
    public static long SettledLiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }
}
