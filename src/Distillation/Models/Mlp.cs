using Ensemble.Torch;
using Ensemble.Torch.Nn;

namespace Ensemble.Distillation.Models;

/// <summary>Input flattened, then [Linear → ReLU → Dropout] per hidden width, then Linear to the logits.</summary>
public sealed class Mlp : Module
{
    private readonly Sequential _layers;

    /// <summary>Builds the network with fresh weights (drawn from libtorch's generator).</summary>
    public Mlp(int inputFeatures, IReadOnlyList<int> hidden, int classes, double dropout, Device? device = null)
    {
        var layers = new List<Module>();
        var width = inputFeatures;
        foreach (var h in hidden)
        {
            layers.Add(new Linear(width, h, device: device));
            layers.Add(new Relu());
            layers.Add(new Dropout(dropout));
            width = h;
        }

        layers.Add(new Linear(width, classes, device: device));
        _layers = RegisterModule("layers", new Sequential(layers));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var flat = input.Flatten(1);
        return _layers.Forward(flat);
    }
}
