namespace Ensemble.Grains.Plan;

/// <summary>What the compress task does to the exported student (<c>distillation.compress</c>).</summary>
/// <param name="Prune">Pruning and its fine-tuning; null for none.</param>
/// <param name="CalibrationExamples">How many transfer examples calibrate the int8 quantization; null for no quantization.</param>
public sealed record CompressionSettings(PruningSettings? Prune, int? CalibrationExamples);
