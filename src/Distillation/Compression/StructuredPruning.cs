using Ensemble.Distillation.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Compression;

/// <summary>
/// Structured magnitude pruning (Li et al. 2017, "Pruning Filters for Efficient ConvNets"): whole hidden units of the
/// fully connected layers and whole channels of the convolutions are removed, so the network that remains is a
/// smaller network of the same architecture (<c>mlp 784-150-10</c> from <c>mlp 784-300-10</c>) and its files shrink.
/// </summary>
/// <remarks>
/// A unit's importance is ‖w_in‖₂ · ‖w_out‖₂, the norms of the weights into it (for a convolution channel, its filter
/// scaled by the batch norm's γ/√(σ² + ε)) and out of it: ReLU is positively homogeneous, so this bounds what the
/// unit adds to the next layer per unit of input, and a unit with either side near zero contributes little. The
/// output layer is never pruned (its units are the classes).
/// </remarks>
public static class StructuredPruning
{
    /// <summary>
    /// <paramref name="model"/> with round(<paramref name="fraction"/> · n) of the n units of every hidden layer
    /// removed (at least one kept), those of least importance; the kept units keep their weights and order.
    /// </summary>
    /// <param name="model">An <see cref="Mlp"/> or <see cref="Cnn"/> built from <paramref name="spec"/>; not changed.</param>
    /// <param name="spec">Its architecture.</param>
    /// <param name="exampleShape">The shape of one example.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="fraction">The fraction of units removed, in [0, 1).</param>
    /// <param name="device">Where the pruned network lives; the CPU when null.</param>
    /// <returns>The pruned network, in evaluation mode, and the spec that builds it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in [0, 1).</exception>
    public static (nn.Module<Tensor, Tensor> Model, ModelSpec Spec) Prune(nn.Module<Tensor, Tensor> model, ModelSpec spec, int[] exampleShape, int classes,
        double fraction, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        if (!(fraction is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the pruned fraction must be in [0, 1)");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var state = model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().cpu().to(ScalarType.Float32), StringComparer.Ordinal);
        var groups = Groups(spec, exampleShape);
        // Every group's units are chosen on the unpruned weights first, then all tensors are sliced: a tensor that
        // feeds one group (its input columns) and belongs to the next (its output rows) is sliced along both.
        var kept = groups.Select(g => Keep(g, state, fraction)).ToList();
        for (var i = 0; i < groups.Count; i++)
        {
            var (group, index) = (groups[i], kept[i]);
            foreach (var name in group.Producers) state[name] = state[name].index_select(0, index);
            var columns = group.Block == 1 ? index
                : (index.unsqueeze(1) * group.Block + arange(group.Block, dtype: ScalarType.Int64).unsqueeze(0)).flatten();
            state[group.Consumer] = state[group.Consumer].index_select(1, columns);
        }

        var widths = kept.Select(k => (int)k.shape[0]).ToArray();
        var pruned = spec.Kind == ModelKind.Mlp
            ? spec with { Hidden = widths }
            : spec with { Channels = widths[..^1], FcHidden = widths[^1] };
        var result = ModelFactory.Create(pruned, exampleShape, classes, device);
        try
        {
            ModuleState.Load(result, state);
            result.eval();
            return (result, pruned);
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The hidden units of one layer: the tensors holding one row per unit, the next layer's weight holding
    /// <paramref name="Block"/> input columns per unit, and the batch norm that scales the unit, if any.
    /// </summary>
    private sealed record UnitGroup(string Weight, string[] Producers, string Consumer, int Block, string? Norm);

    private static List<UnitGroup> Groups(ModelSpec spec, int[] exampleShape)
    {
        var groups = new List<UnitGroup>();
        if (spec.Kind == ModelKind.Mlp)
        {
            // layers.{3i} is the i-th Linear (Linear, ReLU, Dropout per hidden layer).
            for (var i = 0; i < spec.Hidden.Length; i++)
            {
                groups.Add(new($"layers.{3 * i}.weight", [$"layers.{3 * i}.weight", $"layers.{3 * i}.bias"], $"layers.{3 * (i + 1)}.weight", 1, null));
            }

            return groups;
        }

        // features.{4k} is the k-th Conv2d and features.{4k+1} its BatchNorm2d; after the last block head.1 reads
        // h·w columns per channel (Flatten of C×H×W); head.4 reads head.1's units.
        int h = exampleShape[1], w = exampleShape[2];
        for (var k = 0; k < spec.Channels.Length; k++)
        {
            (h, w) = (h / 2, w / 2);
            var (conv, norm) = ($"features.{4 * k}", $"features.{4 * k + 1}");
            var last = k == spec.Channels.Length - 1;
            groups.Add(new($"{conv}.weight",
                [$"{conv}.weight", $"{conv}.bias", .. new[] { "weight", "bias", "running_mean", "running_var" }.Select(p => $"{norm}.{p}")],
                last ? "head.1.weight" : $"features.{4 * (k + 1)}.weight", last ? h * w : 1, norm));
        }

        groups.Add(new("head.1.weight", ["head.1.weight", "head.1.bias"], "head.4.weight", 1, null));
        return groups;
    }

    /// <summary>The indices, ascending, of the units of <paramref name="group"/> that stay.</summary>
    private static Tensor Keep(UnitGroup group, Dictionary<string, Tensor> state, double fraction)
    {
        var weight = state[group.Weight];
        var units = weight.shape[0];
        var keep = Math.Max(1, units - (long)Math.Round(fraction * units, MidpointRounding.AwayFromZero));
        var incoming = weight.flatten(1).norm(1);
        if (group.Norm is { } norm)
        {
            incoming = incoming * state[$"{norm}.weight"].abs() / (state[$"{norm}.running_var"] + Export.OnnxExporter.BatchNormEpsilon).sqrt();
        }

        var consumer = state[group.Consumer];
        var outgoing = consumer.reshape(consumer.shape[0], units, -1).permute(1, 0, 2).flatten(1).norm(1);
        var importance = incoming * outgoing;
        return importance.sort(0, descending: true, stable: true).Indices.narrow(0, 0, keep).sort().Values;
    }
}
