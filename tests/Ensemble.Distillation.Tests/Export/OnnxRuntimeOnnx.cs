using Ensemble.Distillation.Export;
using Microsoft.ML.OnnxRuntime;

namespace Ensemble.Distillation.Tests.Export;

/// <summary>
/// Runs an ONNX file in ONNX Runtime (<c>Microsoft.ML.OnnxRuntime</c>), the reference runtime, one example at a time,
/// and returns its logits.
/// </summary>
internal static class OnnxRuntimeOnnx
{
    /// <summary>The ONNX Runtime version and the logits of each of the <paramref name="count"/> examples in <paramref name="examples"/>.</summary>
    public static (string Version, double[][] Logits) Run(string modelPath, float[] examples, int count, int[] exampleShape)
    {
        var size = exampleShape.Aggregate(1, (a, b) => a * b);
        Assert.Equal(count * size, examples.Length);
        // Basic graph optimisations only: the check is of the exported graph, not of ONNX Runtime's operator fusion.
        using var model = new OnnxRuntimeModel(modelPath, threads: 1, GraphOptimizationLevel.ORT_ENABLE_BASIC);
        var logits = Enumerable.Range(0, count)
            .Select(i => model.Run(examples.AsSpan(i * size, size), 1).Select(v => (double)v).ToArray())
            .ToArray();
        return (OnnxRuntimeModel.Version, logits);
    }
}
