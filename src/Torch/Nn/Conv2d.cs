namespace Ensemble.Torch.Nn;

/// <summary>2-D convolution with a square kernel, initialised like PyTorch (U(−1/√fan_in, 1/√fan_in)).</summary>
public sealed class Conv2d : Module
{
    private readonly Tensor _weight;
    private readonly Tensor? _bias;
    private readonly long _stride;
    private readonly long _padding;

    /// <summary>Creates the layer with freshly initialised weights on <paramref name="device"/>.</summary>
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        _stride = stride;
        _padding = padding;
        var bound = 1.0 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        _weight = RegisterParameter("weight",
            Torch.Zeros([outChannels, inChannels, kernelSize, kernelSize], device: device).UniformInPlace(-bound, bound));
        if (bias)
        {
            _bias = RegisterParameter("bias", Torch.Zeros([outChannels], device: device).UniformInPlace(-bound, bound));
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, _weight, _bias, _stride, _padding);
}
