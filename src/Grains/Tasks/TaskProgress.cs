namespace Ensemble.Grains.Tasks;

/// <summary>What a running task reports: an epoch finished, a stage done, a line worth showing.</summary>
/// <param name="TaskId">The task, e.g. <c>teacher/2</c>.</param>
/// <param name="Message">One human-readable line.</param>
/// <param name="Epoch">The epoch just finished, when training.</param>
/// <param name="Epochs">The epochs planned, when training.</param>
/// <param name="Loss">The epoch's mean training loss, when training.</param>
/// <param name="SamplesPerSecond">The epoch's training throughput, when training.</param>
/// <param name="Samples">The training examples the epoch processed, when training.</param>
public sealed record TaskProgress(string TaskId, string Message, int? Epoch = null, int? Epochs = null, double? Loss = null,
    double? SamplesPerSecond = null, long? Samples = null);
