namespace Ensemble.Distillation.Training;

/// <summary>What one epoch did: the mean training loss, throughput, and test metrics when evaluated.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Total epochs in the run.</param>
/// <param name="Loss">Mean training loss over the epoch's steps.</param>
/// <param name="SamplesPerSecond">Training examples per second (training steps only, evaluation excluded).</param>
/// <param name="Seconds">Seconds spent in training steps.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="TestAccuracy">Test accuracy after the epoch, when evaluated.</param>
/// <param name="TestNll">Test mean negative log-likelihood, when evaluated.</param>
public sealed record EpochReport(int Epoch, int Epochs, double Loss, double SamplesPerSecond, double Seconds, double LearningRate,
    double? TestAccuracy, double? TestNll);
