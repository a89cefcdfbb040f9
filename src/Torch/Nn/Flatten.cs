namespace Ensemble.Torch.Nn;

/// <summary>Flattens every dimension after the batch dimension.</summary>
public sealed class Flatten : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(1);
}
