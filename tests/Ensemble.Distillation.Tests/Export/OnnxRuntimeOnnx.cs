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
        long[] shape = [1, .. exampleShape.Select(s => (long)s)];

        // Basic graph optimisations only: the check is of the exported graph, not of ONNX Runtime's operator fusion.
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        Assert.Equal([OnnxExporter.InputName], session.InputMetadata.Keys);
        Assert.Equal([OnnxExporter.OutputName], session.OutputMetadata.Keys);

        using var runOptions = new RunOptions();
        var logits = new double[count][];
        for (var i = 0; i < count; i++)
        {
            var example = examples.AsSpan(i * size, size).ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(example, shape);
            using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
            logits[i] = outputs[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray();
        }

        return (OrtEnv.Instance().GetVersionString(), logits);
    }
}
