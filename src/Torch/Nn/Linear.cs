namespace Ensemble.Torch.Nn;

/// <summary>y = x·Wᵀ + b, initialised like PyTorch: W, b ~ U(−1/√fan_in, 1/√fan_in).</summary>
public sealed class Linear : Module
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;

    /// <summary>Creates the layer with freshly initialised weights on <paramref name="device"/>.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        var bound = 1.0 / Math.Sqrt(inFeatures);
        _weight = RegisterParameter("weight", Torch.Zeros([outFeatures, inFeatures], device: device).UniformInPlace(-bound, bound));
        if (bias)
        {
            _bias = RegisterParameter("bias", Torch.Zeros([outFeatures], device: device).UniformInPlace(-bound, bound));
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, _weight, _bias);
}
