using Ensemble.Distillation.Runtime;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Losses;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using Ensemble.Distillation.Transfer;
using TorchSharp;
using static TorchSharp.torch;
using Ens = Ensemble.Distillation;

namespace Ensemble.Grains.Plan;

/// <summary>
/// Translates a validated <see cref="RunSpec"/> (the contract users write) into <see cref="RunSettings"/> (the
/// training library's types). The only place that knows both vocabularies.
/// </summary>
public static class RunSettingsTranslator
{
    /// <summary>The settings of <paramref name="spec"/>; <paramref name="fallbackName"/> names a spec without a name.</summary>
    /// <exception cref="RunSpecException">The spec is invalid; every problem is listed.</exception>
    public static RunSettings Translate(RunSpec spec, string fallbackName)
    {
        // Limits are the submitter's (RunSubmitter, under its silo's configured limits); a stored run is translated as it was accepted.
        var problems = spec.Validate(SpecLimits.Unlimited);
        if (problems.Count > 0) throw new RunSpecException(problems);
        var distillation = spec.Distillation;
        return new RunSettings
        {
            Name = spec.Name ?? fallbackName,
            Seed = spec.Seed,
            Device = TorchRuntime.ParseDevice(spec.Device),
            Data = new DataSettings(spec.Data.IsSynthetic ? "synthetic" : spec.Data.IsFashionMnist ? "fashion-mnist" : spec.Data.Dataset,
                spec.Data.TrainSubset, spec.Data.TestSubset, spec.Data.ValidationFraction, Synthetic(spec.Data.Synthetic, spec.Seed)),
            Teachers = new TeacherSettings(spec.Teachers.Count, spec.Teachers.Bootstrap, Model(spec.Teachers.Model),
                Training(spec.Teachers.Training), Augmentation(spec.Teachers.Training.Augmentation), spec.Teachers.CrossFit),
            Specialists = new SpecialistSettings(spec.Specialists.Count, spec.Specialists.MaxSize,
                spec.Specialists.Clustering == SpecialistClustering.Covariance ? Ens.Specialists.SpecialistClustering.Covariance : Ens.Specialists.SpecialistClustering.Confusion,
                spec.Specialists.Head == SpecialistHead.Full ? Ens.Specialists.SpecialistHead.Full : Ens.Specialists.SpecialistHead.Dustbin,
                spec.Specialists.TopN, Training(spec.Specialists.Training), Augmentation(spec.Specialists.Training.Augmentation)),
            Aggregation = spec.Aggregation.Method switch
            {
                AggregationMethod.Geometric => Ens.Ensembles.AggregationMethod.Geometric,
                AggregationMethod.Logits => Ens.Ensembles.AggregationMethod.Logits,
                _ => Ens.Ensembles.AggregationMethod.Arithmetic,
            },
            Weighting = spec.Aggregation.Weighting switch
            {
                MemberWeighting.Accuracy => Ens.Ensembles.MemberWeighting.Accuracy,
                MemberWeighting.Entropy => Ens.Ensembles.MemberWeighting.Entropy,
                _ => Ens.Ensembles.MemberWeighting.Uniform,
            },
            Student = new StudentSettings(Model(distillation.Student), Training(distillation.Training),
                new KnowledgeDistillationOptions
                {
                    Temperature = distillation.Temperature,
                    StudentTemperature = distillation.StudentTemperature,
                    Alpha = distillation.Alpha,
                    Standardize = distillation.LogitStandardization == LogitStandardizationMode.On,
                },
                distillation.LogitStandardization switch
                {
                    LogitStandardizationMode.On => StandardizationMode.On,
                    LogitStandardizationMode.Compare => StandardizationMode.Compare,
                    _ => StandardizationMode.Off,
                },
                new TransferOptions
                {
                    Fraction = distillation.Transfer.Fraction,
                    Labeled = distillation.Transfer.Labeled,
                    LabeledFraction = distillation.Transfer.LabeledFraction,
                    OmitClasses = distillation.Transfer.OmitClasses.ToArray(),
                    BiasCorrection = distillation.Transfer.BiasCorrection,
                    Views = distillation.Transfer.Views,
                    Augmentation = Augmentation(distillation.Transfer.Augmentation),
                    Mixup = distillation.Transfer.Mixup,
                    Seed = spec.Seed,
                },
                distillation.Targets == SoftTargetSource.Online),
            Compression = Compression(distillation.Compress, distillation.Training.LearningRate),
            Baseline = spec.Baseline,
        };
    }

    private static CompressionSettings? Compression(CompressSpec spec, double studentLearningRate) => !spec.IsEnabled ? null : new CompressionSettings(
        spec.Prune is { } prune
            ? new PruningSettings(prune.Method == PruningMethod.Structured, prune.Sparsity, prune.FineTuneEpochs, prune.LearningRate ?? studentLearningRate / 10)
            : null,
        spec.Quantize?.CalibrationExamples);

    private static ModelSpec Model(ModelSection section) => new()
    {
        Kind = section.Kind == ModelArchitecture.Cnn ? ModelKind.Cnn : ModelKind.Mlp,
        Hidden = section.Hidden.ToArray(),
        Channels = section.Channels.ToArray(),
        FcHidden = section.FcHidden,
        Dropout = section.Dropout,
    };

    private static TrainingOptions Training(TrainingSection section) => new()
    {
        Epochs = section.Epochs,
        BatchSize = section.BatchSize,
        LearningRate = section.LearningRate,
        Schedule = section.Schedule switch
        {
            ScheduleName.Constant => ScheduleKind.Constant,
            ScheduleName.OneCycle => ScheduleKind.OneCycle,
            _ => ScheduleKind.Cosine,
        },
        Optimizer = section.Optimizer == OptimizerName.AdamW ? OptimizerKind.AdamW : OptimizerKind.Sgd,
        Momentum = section.Momentum,
        Nesterov = section.Nesterov,
        WeightDecay = section.WeightDecay,
    };

    private static AugmentationKind Augmentation(AugmentationName name) => name switch
    {
        AugmentationName.Shift => AugmentationKind.Shift,
        AugmentationName.ShiftFlip => AugmentationKind.ShiftFlip,
        _ => AugmentationKind.None,
    };

    private static SyntheticDatasetOptions Synthetic(SyntheticDataSpec spec, int seed) => new()
    {
        GroupSizes = spec.GroupSizes.ToArray(),
        Features = spec.Features,
        TrainPerClass = spec.TrainPerClass,
        TestPerClass = spec.TestPerClass,
        GroupSeparation = spec.GroupSeparation,
        ClassSeparation = spec.ClassSeparation,
        Noise = spec.Noise,
        Seed = seed,
    };
}
