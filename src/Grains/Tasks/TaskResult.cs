namespace Ensemble.Grains.Tasks;

/// <summary>What a finished task records in its <c>result.json</c>; written last, so its presence means the outputs are durable.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Seconds">Wall time of the task.</param>
/// <param name="Skipped">True when there was nothing to do (a specialist without a class set).</param>
/// <param name="ValidationAccuracy">The trained model's accuracy on the validation split, when it trained one.</param>
/// <param name="Values">Anything else worth keeping, by name (e.g. <c>dustbin_correction</c>, <c>exported</c>).</param>
public sealed record TaskResult(string TaskId, double Seconds, bool Skipped = false, double? ValidationAccuracy = null,
    IReadOnlyDictionary<string, string>? Values = null);
