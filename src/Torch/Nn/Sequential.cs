namespace Ensemble.Torch.Nn;

/// <summary>Applies its children in order; they are named 0, 1, 2, … as in PyTorch.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the chain from <paramref name="layers"/>.</summary>
    public Sequential(params IEnumerable<Module> layers)
    {
        foreach (var layer in layers)
        {
            _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        }
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        // Intermediate activations are freed as soon as the next layer has consumed them; autograd keeps
        // what it needs alive on the native side.
        var x = input;
        foreach (var layer in _layers)
        {
            var next = layer.Forward(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }

        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}
