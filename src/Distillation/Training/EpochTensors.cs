using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>One epoch's examples on the training device, row-aligned.</summary>
/// <param name="Features">N × example shape.</param>
/// <param name="Labels">N hard labels (int64), N×K label distributions (float32; mixup's blends), or null for an unlabeled transfer set.</param>
/// <param name="Targets">N × K soft-target logits (the softmax of <c>Targets / T</c> is the target), or null.</param>
public sealed record EpochTensors(Tensor Features, Tensor? Labels, Tensor? Targets);
