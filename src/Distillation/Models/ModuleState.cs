using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Models;

/// <summary>Loads a state dict into a module with errors that name the entry and both shapes.</summary>
public static class ModuleState
{
    // PyTorch ≥ 0.4 and TorchSharp count batch-norm batches; Ensemble's own binding (model files before TorchSharp)
    // did not. Eval mode never reads the count, so a missing one loads as zero.
    private const string BatchCount = ".num_batches_tracked";

    /// <summary>Copies every entry of <paramref name="state"/> into <paramref name="module"/>'s parameters and buffers.</summary>
    /// <exception cref="ArgumentException">An entry is missing, unexpected, or of another shape; the message names it.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !state.ContainsKey(k) && !k.EndsWith(BatchCount, StringComparison.Ordinal)).ToList();
        var unexpected = state.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new ArgumentException(
                $"the state does not fit the model: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
        }

        foreach (var (name, destination) in target)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            if (!source.shape.SequenceEqual(destination.shape))
            {
                throw new ArgumentException(
                    $"'{name}' has shape [{string.Join(", ", source.shape)}] but the model's is [{string.Join(", ", destination.shape)}]");
            }
        }

        using var noGrad = no_grad();
        foreach (var (name, destination) in target)
        {
            if (state.TryGetValue(name, out var source)) destination.copy_(source);
            else destination.zero_();
        }
    }
}
