using Ensemble.Distillation.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Compression;

/// <summary>
/// Post-training calibration (Jacob et al. 2018 §3; ONNX Runtime's "MinMax" calibrator): the float network runs in
/// evaluation mode over calibration examples, and the smallest and largest value that reaches each fully connected or
/// convolution layer, and out of every ReLU, fixes that tensor's uint8 quantization.
/// </summary>
/// <remarks>
/// A layer fed from a ReLU through max-pooling, flattening or (evaluation-mode) dropout takes the ReLU's
/// quantization rather than its own: those modules only pick values of their input, so the range can only shrink,
/// and equal scales let a runtime keep the tensor in uint8 through them (ONNX Runtime then runs max-pooling on
/// uint8 and the convolution as one <c>QLinearConv</c>; with a scale of its own the convolution ran in float).
/// </remarks>
public static class ActivationCalibration
{
    /// <summary>
    /// The quantization of the input of every <c>Linear</c> and <c>Conv2d</c> of <paramref name="model"/> and of the
    /// output of every <c>ReLU</c>, by module name (<c>layers.0</c>, <c>features.2</c>, <c>features.4</c>, …).
    /// </summary>
    /// <param name="model">An <see cref="Mlp"/> or <see cref="Cnn"/>; left in the mode it was in.</param>
    /// <param name="examples">Calibration examples, N × example shape (or N × features).</param>
    /// <param name="exampleShape">The shape of one example.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="ArgumentException">The model is neither an Mlp nor a Cnn, or there are no examples.</exception>
    public static IReadOnlyDictionary<string, AffineQuantization> Observe(nn.Module<Tensor, Tensor> model, Tensor examples, int[] exampleShape,
        int batchSize = 256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (model is not (Mlp or Cnn)) throw new ArgumentException($"calibration knows Mlp and Cnn, not {model.GetType().Name}", nameof(model));
        if (examples.shape[0] < 1) throw new ArgumentException("calibration needs at least one example", nameof(examples));
        var ranges = new Dictionary<string, (float Min, float Max)>(StringComparer.Ordinal);
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            for (long start = 0; start < examples.shape[0]; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = examples.narrow(0, start, Math.Min(batchSize, examples.shape[0] - start));
                var x = model is Cnn ? batch.reshape([-1, .. exampleShape.Select(s => (long)s)]) : batch.flatten(1);
                foreach (var (name, layer) in Layers(model))
                {
                    if (layer is Linear or Conv2d) Widen(ranges, name, x);
                    x = layer.call(x);
                    if (layer is ReLU) Widen(ranges, name, x);
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        var quantizations = ranges.ToDictionary(r => r.Key, r => AffineQuantization.FromRange(r.Value.Min, r.Value.Max), StringComparer.Ordinal);
        string? relu = null;
        foreach (var (name, layer) in Layers(model))
        {
            if (layer is Linear or Conv2d && relu is not null) quantizations[name] = quantizations[relu];
            relu = layer switch
            {
                ReLU => name,
                MaxPool2d or Flatten or InvertedDropout => relu,
                _ => null,
            };
        }

        return quantizations;
    }

    private static void Widen(Dictionary<string, (float Min, float Max)> ranges, string name, Tensor x)
    {
        var (min, max) = (x.min().ToSingle(), x.max().ToSingle());
        ranges[name] = ranges.TryGetValue(name, out var seen) ? (Math.Min(seen.Min, min), Math.Max(seen.Max, max)) : (min, max);
    }

    /// <summary>
    /// The network's leaf modules in the order its forward pass runs them: both architectures are a chain of
    /// Sequentials registered in execution order, so walking the leaves reproduces <c>forward</c>.
    /// </summary>
    public static IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer)> Layers(nn.Module<Tensor, Tensor> model) =>
        model.named_modules()
            .Where(m => !m.module.children().Any())
            .Select(m => (m.name, m.module as nn.Module<Tensor, Tensor>
                ?? throw new ArgumentException($"'{m.name}' is a {m.module.GetType().Name}, not a tensor-to-tensor layer", nameof(model))));
}
