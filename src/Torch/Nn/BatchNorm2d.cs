namespace Ensemble.Torch.Nn;

/// <summary>Batch normalisation over the channels of an N×C×H×W input, with running statistics for evaluation.</summary>
public sealed class BatchNorm2d : Module
{
    private readonly Tensor _weight;
    private readonly Tensor _bias;
    private readonly Tensor _runningMean;
    private readonly Tensor _runningVar;
    private readonly double _momentum;
    private readonly double _eps;

    /// <summary>Creates the layer (γ = 1, β = 0, running mean 0, running variance 1).</summary>
    public BatchNorm2d(long channels, double momentum = 0.1, double eps = 1e-5, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        _momentum = momentum;
        _eps = eps;
        _weight = RegisterParameter("weight", Torch.Ones([channels], device: device));
        _bias = RegisterParameter("bias", Torch.Zeros([channels], device: device));
        _runningMean = RegisterBuffer("running_mean", Torch.Zeros([channels], device: device));
        _runningVar = RegisterBuffer("running_var", Torch.Ones([channels], device: device));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Functional.BatchNorm(input, _weight, _bias, _runningMean, _runningVar, IsTraining, _momentum, _eps);
}
