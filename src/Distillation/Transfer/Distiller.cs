using Ensemble.Distillation.Losses;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Transfer;

/// <summary>
/// Trains a student on a transfer set's soft targets (and its hard labels when shown) with Hinton's loss:
/// the ordinary <see cref="Trainer"/> loop, its checkpoints and schedule, with <see cref="DistillationLoss.Hinton"/>
/// in place of cross-entropy. The baseline is the same trainer without the soft targets.
/// </summary>
public static class Distiller
{
    /// <summary>A trainer for <paramref name="student"/> whose loss is <see cref="DistillationLoss.Hinton"/> with <paramref name="distillation"/>.</summary>
    public static Trainer CreateTrainer(ModelSpec student, TrainingOptions training, KnowledgeDistillationOptions distillation, Device? device = null) =>
        new(student, training, device, (logits, labels, targets) => DistillationLoss.Hinton(
            logits, targets ?? throw new InvalidOperationException("Distillation needs soft targets for every view."), labels, distillation));
}
