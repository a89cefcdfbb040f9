using Ensemble.Distillation.Data;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;

namespace Ensemble.Grains.Plan;

/// <summary>The ensemble members.</summary>
/// <param name="Count">How many.</param>
/// <param name="Bootstrap">Whether each trains on its own bootstrap resample.</param>
/// <param name="Model">Their architecture.</param>
/// <param name="Training">Their optimisation (the seed is replaced per member).</param>
/// <param name="Augmentation">A fresh augmentation per epoch, or none.</param>
/// <param name="CrossFit">Whether member i leaves out fold i of the training set, so every transfer example has a member that never saw it.</param>
public sealed record TeacherSettings(int Count, bool Bootstrap, ModelSpec Model, TrainingOptions Training, AugmentationKind Augmentation, bool CrossFit);
