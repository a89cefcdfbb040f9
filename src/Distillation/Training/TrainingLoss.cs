using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>The loss of one mini-batch: the model's logits against the batch's labels and soft targets.</summary>
/// <param name="logits">The model's output, B × K.</param>
/// <param name="labels">B hard labels (int64), B×K label distributions (float, from mixup), or null when the set has none.</param>
/// <param name="targets">B × K soft-target logits, or null when the set has none.</param>
/// <returns>A scalar tensor to differentiate.</returns>
public delegate Tensor TrainingLoss(Tensor logits, Tensor? labels, Tensor? targets);
