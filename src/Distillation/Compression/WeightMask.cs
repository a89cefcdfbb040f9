using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Compression;

/// <summary>
/// Unstructured magnitude pruning (Han et al. 2015, "Learning both Weights and Connections for Efficient Neural
/// Networks"; PyTorch's <c>prune.l1_unstructured</c>): in every fully connected and convolution weight the
/// fraction of entries with the smallest |w| is set to zero and kept there while fine-tuning. Biases and batch-norm
/// parameters are left whole: they are a sliver of the weights and pruning them saves nothing.
/// </summary>
public sealed class WeightMask : IDisposable
{
    private readonly Dictionary<string, Tensor> _masks;

    private WeightMask(Dictionary<string, Tensor> masks) => _masks = masks;

    /// <summary>The names of the masked weights (<c>layers.0.weight</c>, …).</summary>
    public IReadOnlyCollection<string> Weights => _masks.Keys;

    /// <summary>
    /// A mask over <paramref name="model"/>'s weights that zeroes exactly round(<paramref name="sparsity"/> · n) of
    /// the n entries of each weight tensor, those of smallest magnitude (ties broken by position).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sparsity"/> is not in [0, 1).</exception>
    public static WeightMask ByMagnitude(nn.Module model, double sparsity)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(sparsity is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "sparsity must be in [0, 1)");
        var masks = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var (name, weight) in PrunableWeights(model))
        {
            using var scope = NewDisposeScope();
            var count = weight.numel();
            var pruned = (long)Math.Round(sparsity * count, MidpointRounding.AwayFromZero);
            var mask = ones(count, dtype: weight.dtype, device: weight.device);
            if (pruned > 0)
            {
                // A stable sort, so that equal magnitudes (a weight already zero) are pruned in index order, reproducibly.
                var order = weight.detach().abs().flatten().sort(0, stable: true).Indices;
                mask.index_fill_(0, order.narrow(0, 0, pruned), 0);
            }

            masks[name] = mask.reshape(weight.shape).MoveToOuterDisposeScope();
        }

        return new WeightMask(masks);
    }

    /// <summary>Sets the pruned weights of <paramref name="model"/> (the module the mask was made from, or a copy) to zero.</summary>
    public void Apply(nn.Module model)
    {
        using var noGrad = no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var (name, mask) in _masks)
        {
            if (!parameters.TryGetValue(name, out var weight)) throw new ArgumentException($"the model has no '{name}' to mask", nameof(model));
            weight.mul_(mask);
        }
    }

    /// <summary>The fraction of zero entries over all fully connected and convolution weights of <paramref name="model"/>.</summary>
    public static double Sparsity(nn.Module model)
    {
        using var scope = NewDisposeScope();
        long zeros = 0, total = 0;
        foreach (var (_, weight) in PrunableWeights(model))
        {
            zeros += weight.eq(0).sum().ToInt64();
            total += weight.numel();
        }

        return total == 0 ? 0 : (double)zeros / total;
    }

    /// <summary>Frees the masks.</summary>
    public void Dispose()
    {
        foreach (var mask in _masks.Values) mask.Dispose();
    }

    // Linear weights are out × in and convolution weights out × in × k × k; biases and norms are one-dimensional.
    private static IEnumerable<(string Name, Tensor Weight)> PrunableWeights(nn.Module model) =>
        model.named_parameters().Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal) && p.parameter.dim() >= 2)
            .Select(p => (p.name, (Tensor)p.parameter));
}
