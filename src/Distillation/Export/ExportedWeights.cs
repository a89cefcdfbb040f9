using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Export;

/// <summary>
/// A model's state dict as the exporter reads it: each tensor checked against the shape the architecture needs,
/// copied to the CPU as float32, and ticked off, so that a weight the graph does not use is an error too.
/// </summary>
/// <param name="state">The model's parameters and buffers by name.</param>
/// <param name="model">What the model should be, for messages: e.g. <c>mlp 784-64-10 on examples [1, 28, 28]</c>.</param>
internal sealed class ExportedWeights(IReadOnlyDictionary<string, Tensor> state, string model)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Adds the tensor <paramref name="name"/> to <paramref name="graph"/> as an initializer; returns its name.</summary>
    /// <exception cref="ArgumentException">The model has no such tensor, or it has another shape.</exception>
    public string Add(OnnxGraph graph, string name, params long[] shape) => graph.AddInitializer(name, shape, Values(name, shape));

    /// <summary>The float32 values of the tensor <paramref name="name"/>, row-major, ticked off as used.</summary>
    /// <exception cref="ArgumentException">The model has no such tensor, or it has another shape.</exception>
    public float[] Values(string name, params long[] shape)
    {
        if (!state.TryGetValue(name, out var tensor))
        {
            throw new ArgumentException($"the model has no '{name}', which {model} needs", "model");
        }

        if (!tensor.shape.SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"the model's '{name}' has shape [{string.Join(", ", tensor.shape)}], {model} needs [{string.Join(", ", shape)}]", "model");
        }

        using var noGrad = no_grad();
        using var cpu = tensor.to(ScalarType.Float32, CPU);
        _used.Add(name);
        return cpu.data<float>().ToArray();
    }

    /// <summary>Throws when the model has a tensor the graph did not use: the spec describes a smaller model.</summary>
    /// <exception cref="ArgumentException">Names the unused tensors.</exception>
    public void EnsureAllUsed()
    {
        // The batch count only steers training-mode momentum; inference never reads it.
        var unused = state.Keys.Where(k => !_used.Contains(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (unused.Count > 0)
        {
            throw new ArgumentException($"the model has {string.Join(", ", unused.Select(k => $"'{k}'"))}, which {model} does not have", "model");
        }
    }
}
