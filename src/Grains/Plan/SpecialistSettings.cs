using Ensemble.Distillation.Data;
using Ensemble.Distillation.Specialists;
using Ensemble.Distillation.Training;

namespace Ensemble.Grains.Plan;

/// <summary>The specialists (Hinton et al. 2015 §5).</summary>
/// <param name="Count">At most this many; 0 for none.</param>
/// <param name="MaxSize">The most classes one specialist covers.</param>
/// <param name="Clustering">How confusable classes are grouped.</param>
/// <param name="Head">Dustbin or full-softmax output.</param>
/// <param name="TopN">The generalist's top-n classes that activate a specialist.</param>
/// <param name="Training">Their optimisation.</param>
/// <param name="Augmentation">A fresh augmentation per epoch, or none.</param>
public sealed record SpecialistSettings(int Count, int MaxSize, SpecialistClustering Clustering, SpecialistHead Head, int TopN,
    TrainingOptions Training, AugmentationKind Augmentation);
