using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Models;

/// <summary>Builds the network a <see cref="ModelSpec"/> describes.</summary>
public static class ModelFactory
{
    /// <summary>A freshly initialised network for examples of <paramref name="exampleShape"/> and <paramref name="classes"/> classes.</summary>
    /// <exception cref="ArgumentException">The spec is invalid or does not fit the data.</exception>
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec, int[] exampleShape, int classes, Device? device = null)
    {
        var problems = spec.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(spec));
        return spec.Kind switch
        {
            ModelKind.Mlp => new Mlp(exampleShape.Aggregate(1, (a, b) => a * b), spec.Hidden, classes, spec.Dropout, device),
            ModelKind.Cnn => new Cnn(exampleShape, spec.Channels, spec.FcHidden, classes, spec.Dropout, device),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown model kind"),
        };
    }
}
