using System.Diagnostics;
using Ensemble.Distillation.Data;
using Microsoft.ML.OnnxRuntime;

namespace Ensemble.Distillation.Export;

/// <summary>
/// An exported model loaded in ONNX Runtime (<c>Microsoft.ML.OnnxRuntime</c>), the runtime deployments use: its logits
/// on a dataset and its latency per example, on a fixed number of threads.
/// </summary>
public sealed class OnnxRuntimeModel : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly long[] _exampleShape;

    /// <summary>Loads <paramref name="path"/>, an ONNX file <see cref="OnnxExporter"/> wrote.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="threads">Intra-op threads (inter-op is 1): 1 measures one core, as a latency budget is usually stated.</param>
    /// <param name="optimization">ONNX Runtime's graph optimisation: all (operator fusion, QDQ to integer kernels) by default.</param>
    /// <exception cref="OnnxRuntimeException">The file is not a model ONNX Runtime can load.</exception>
    /// <exception cref="InvalidDataException">The model's input or output is not the exporter's.</exception>
    public OnnxRuntimeModel(string path, int threads = 1, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _options = new SessionOptions { GraphOptimizationLevel = optimization, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        try
        {
            _session = new InferenceSession(path, _options);
            if (!_session.InputMetadata.TryGetValue(OnnxExporter.InputName, out var input) || _session.OutputMetadata.Keys.SingleOrDefault() != OnnxExporter.OutputName)
            {
                throw new InvalidDataException(
                    $"{path}: expected input '{OnnxExporter.InputName}' and output '{OnnxExporter.OutputName}', got inputs [{string.Join(", ", _session.InputMetadata.Keys)}] and outputs [{string.Join(", ", _session.OutputMetadata.Keys)}]");
            }

            _exampleShape = [.. input.Dimensions.Skip(1).Select(d => (long)d)];
        }
        catch
        {
            _session?.Dispose();
            _options.Dispose();
            _run.Dispose();
            throw;
        }
    }

    /// <summary>The ONNX Runtime version, for reports.</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>The logits of <paramref name="count"/> examples laid out one after another in <paramref name="examples"/>, count × classes.</summary>
    public float[] Run(ReadOnlySpan<float> examples, int count)
    {
        var size = _exampleShape.Aggregate(1L, (a, b) => a * b);
        if (count < 1 || examples.Length != count * size)
        {
            throw new ArgumentException($"{examples.Length} values are not {count} examples of {size}", nameof(examples));
        }

        var buffer = examples.ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(buffer, [count, .. _exampleShape]);
        using var outputs = _session.Run(_run, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The logits of every example of <paramref name="data"/>, in order: N × classes values, row-major.</summary>
    public float[] Logits(Dataset data, int batchSize = 256, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batches = new List<float[]>();
        for (var start = 0; start < data.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, data.Count - start);
            batches.Add(Run(data.Features.AsSpan(start * data.FeatureCount, count * data.FeatureCount), count));
        }

        return [.. batches.SelectMany(b => b)];
    }

    /// <summary>
    /// Seconds per example at <paramref name="batchSize"/>: after warm-up runs, the median over
    /// <paramref name="repeats"/> timings, each of as many batches as fill <paramref name="timing"/>, of batches of
    /// real examples from <paramref name="data"/> (repeated when it holds fewer).
    /// </summary>
    public double SecondsPerExample(Dataset data, int batchSize, TimeSpan timing, int repeats = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var batch = new float[batchSize * data.FeatureCount];
        for (var i = 0; i < batchSize; i++) data.FeaturesOf(i % data.Count).CopyTo(batch.AsSpan(i * data.FeatureCount));
        using var input = OrtValue.CreateTensorValueFromMemory(batch, [batchSize, .. _exampleShape]);
        void RunOnce()
        {
            using var outputs = _session.Run(_run, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        }

        // Warm-up: the first runs allocate and pick kernels.
        var clock = Stopwatch.StartNew();
        var calls = 0;
        while (calls < 3 || clock.Elapsed < timing / 4)
        {
            RunOnce();
            calls++;
        }

        var perBatch = clock.Elapsed.TotalSeconds / calls;
        var iterations = Math.Max(1, (int)(timing.TotalSeconds / perBatch));
        var samples = new double[repeats];
        for (var r = 0; r < repeats; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            clock.Restart();
            for (var i = 0; i < iterations; i++) RunOnce();
            samples[r] = clock.Elapsed.TotalSeconds / iterations / batchSize;
        }

        Array.Sort(samples);
        return samples[repeats / 2];
    }

    /// <summary>Frees the session and its options.</summary>
    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
