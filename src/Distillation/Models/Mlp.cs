using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Models;

/// <summary>Input flattened, then [Linear → ReLU → Dropout] per hidden width, then Linear to the logits.</summary>
/// <remarks>State-dict names are PyTorch's: <c>layers.0.weight</c>, <c>layers.0.bias</c>, <c>layers.3.weight</c>, …</remarks>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _layers;
    private readonly int _inputFeatures;

    /// <summary>Builds the network with fresh weights (drawn from libtorch's generator).</summary>
    public Mlp(int inputFeatures, IReadOnlyList<int> hidden, int classes, double dropout, Device? device = null) : base(nameof(Mlp))
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        _inputFeatures = inputFeatures;
        var width = inputFeatures;
        foreach (var h in hidden)
        {
            layers.Add(nn.Linear(width, h));
            layers.Add(nn.ReLU());
            layers.Add(new InvertedDropout(dropout));
            width = h;
        }

        layers.Add(nn.Linear(width, classes));
        _layers = nn.Sequential(layers);
        register_module("layers", _layers);
        if (device is not null) this.to(device);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var flat = input.flatten(1);
        if (flat.size(1) != _inputFeatures)
        {
            throw new ArgumentException(
                $"input has shape [{string.Join(", ", input.shape)}], {flat.size(1)} features per example; this mlp takes [N, {_inputFeatures}]", nameof(input));
        }

        return _layers.call(flat);
    }
}
