using Ensemble.Distillation.Data;
using Ensemble.Distillation.Ensembles;
using Ensemble.Distillation.Losses;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Specialists;
using Ensemble.Distillation.Training;
using Ensemble.Distillation.Transfer;
using Ensemble.Torch;

namespace Ensemble.Grains.Plan;

/// <summary>
/// A RunSpec translated into the training library's own types (see <see cref="RunSettingsTranslator"/>): what every
/// task reads. Tasks never look at the spec's file format, only at these.
/// </summary>
public sealed record RunSettings
{
    /// <summary>The run's name, for reports.</summary>
    public required string Name { get; init; }

    /// <summary>The base seed; teacher i uses Seed + i.</summary>
    public required int Seed { get; init; }

    /// <summary>Where tensors live and training runs.</summary>
    public required Device Device { get; init; }

    /// <summary>Which data, and how it is split.</summary>
    public required DataSettings Data { get; init; }

    /// <summary>The ensemble members.</summary>
    public required TeacherSettings Teachers { get; init; }

    /// <summary>The specialists; <see cref="SpecialistSettings.Count"/> 0 for none.</summary>
    public required SpecialistSettings Specialists { get; init; }

    /// <summary>How members' outputs become soft targets.</summary>
    public required AggregationMethod Aggregation { get; init; }

    /// <summary>How members are weighted in the aggregate.</summary>
    public required MemberWeighting Weighting { get; init; }

    /// <summary>The student and its training.</summary>
    public required StudentSettings Student { get; init; }

    /// <summary>Whether the baseline (student architecture, hard labels only) is trained.</summary>
    public required bool Baseline { get; init; }
}

/// <summary>The data of a run.</summary>
/// <param name="Dataset">A catalog name (<c>fashion-mnist</c>, <c>synthetic</c>) or an IDX directory.</param>
/// <param name="TrainSubset">0 for every training example, else a stratified sample of this many.</param>
/// <param name="TestSubset">0 for every test example, else the first this many.</param>
/// <param name="ValidationFraction">The stratified share of the training set held out.</param>
/// <param name="Synthetic">The generator's settings when <paramref name="Dataset"/> is <c>synthetic</c>.</param>
public sealed record DataSettings(string Dataset, int TrainSubset, int TestSubset, double ValidationFraction, SyntheticDatasetOptions Synthetic);

/// <summary>The ensemble members.</summary>
/// <param name="Count">How many.</param>
/// <param name="Bootstrap">Whether each trains on its own bootstrap resample.</param>
/// <param name="Model">Their architecture.</param>
/// <param name="Training">Their optimisation (the seed is replaced per member).</param>
/// <param name="Augmentation">A fresh augmentation per epoch, or none.</param>
/// <param name="CrossFit">Whether member i leaves out fold i of the training set, so every transfer example has a member that never saw it.</param>
public sealed record TeacherSettings(int Count, bool Bootstrap, ModelSpec Model, TrainingOptions Training, AugmentationKind Augmentation, bool CrossFit);

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

/// <summary>The student and how it learns.</summary>
/// <param name="Model">Its architecture (also the baseline's).</param>
/// <param name="Training">Its optimisation (also the baseline's).</param>
/// <param name="Distillation">Temperature, α, logit standardization for the primary student.</param>
/// <param name="Standardization">Which students are trained: without, with, or both.</param>
/// <param name="Transfer">The transfer set.</param>
public sealed record StudentSettings(ModelSpec Model, TrainingOptions Training, KnowledgeDistillationOptions Distillation,
    StandardizationMode Standardization, TransferOptions Transfer);

/// <summary>Which distilled students a run trains.</summary>
public enum StandardizationMode
{
    /// <summary>Only <c>student</c>: Hinton's loss on raw logits.</summary>
    Off,

    /// <summary>Only <c>student-ls</c>: Hinton's loss on standardized logits.</summary>
    On,

    /// <summary>Both; the one with the better validation accuracy is exported.</summary>
    Compare,
}
