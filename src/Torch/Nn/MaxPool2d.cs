namespace Ensemble.Torch.Nn;

/// <summary>2-D max pooling with a square window; the stride is the window.</summary>
public sealed class MaxPool2d(long kernelSize) : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, kernelSize);
}
