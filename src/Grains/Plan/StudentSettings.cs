using Ensemble.Distillation.Losses;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using Ensemble.Distillation.Transfer;

namespace Ensemble.Grains.Plan;

/// <summary>The student and how it learns.</summary>
/// <param name="Model">Its architecture (also the baseline's).</param>
/// <param name="Training">Its optimisation (also the baseline's).</param>
/// <param name="Distillation">Temperature, α, logit standardization for the primary student.</param>
/// <param name="Standardization">Which students are trained: without, with, or both.</param>
/// <param name="Transfer">The transfer set.</param>
/// <param name="OnlineTargets">
/// Whether the soft targets are computed from the stored teachers on each epoch's augmented (and mixed) images, rather than
/// read from the aggregate task's fixed targets per view.
/// </param>
public sealed record StudentSettings(ModelSpec Model, TrainingOptions Training, KnowledgeDistillationOptions Distillation,
    StandardizationMode Standardization, TransferOptions Transfer, bool OnlineTargets = false);
