using Ensemble.Torch;

namespace Ensemble.Distillation.Tests.Losses;

/// <summary>Small float64 tensors written as C# literals.</summary>
internal static class TestTensors
{
    /// <summary>A float64 N×K tensor holding <paramref name="rows"/>.</summary>
    public static Tensor Matrix(double[][] rows) =>
        Torch.Torch.FromArray<double>(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    /// <summary>A float64 N×K tensor of ln(values): its softmax is the row-normalised values.</summary>
    public static Tensor LogOf(double[][] rows, double scale = 1) =>
        Matrix(rows.Select(r => r.Select(v => scale * Math.Log(v)).ToArray()).ToArray());

    /// <summary>int64 labels.</summary>
    public static Tensor Labels(params long[] labels) => Torch.Torch.FromArray(labels);

    /// <summary>The elements of a float64 tensor.</summary>
    public static double[] Values(Tensor t) => t.ToArray<double>();

    /// <summary>The native tensor count once the finalizers have run (a baseline for leak checks).</summary>
    public static long SettledLiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Torch.Torch.LiveTensorCount;
    }
}
