namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// Every field of a run spec file: its key, its codec and the property it binds, section by section, in the order
/// files are written. To add a field: add the property (with its default and XML doc) to the record, one line here,
/// and its range check to the record's <c>Validate</c>.
/// </summary>
internal static class RunSpecSchema
{
    // Sections are declared before the sections that hold them (static initialisers run in order).

    /// <summary>The <c>training</c> sections.</summary>
    public static SectionSchema<TrainingSection> Training { get; } = new SectionSchema<TrainingSection>()
        .Field("epochs", SpecCodecs.Int, s => s.Epochs, (s, v) => s with { Epochs = v })
        .Field("batch_size", SpecCodecs.Int, s => s.BatchSize, (s, v) => s with { BatchSize = v })
        .Field("learning_rate", SpecCodecs.Double, s => s.LearningRate, (s, v) => s with { LearningRate = v })
        .Field("schedule", SpecCodecs.Enum<ScheduleName>(), s => s.Schedule, (s, v) => s with { Schedule = v })
        .Field("optimizer", SpecCodecs.Enum<OptimizerName>(), s => s.Optimizer, (s, v) => s with { Optimizer = v })
        .Field("momentum", SpecCodecs.Double, s => s.Momentum, (s, v) => s with { Momentum = v })
        .Field("nesterov", SpecCodecs.Bool, s => s.Nesterov, (s, v) => s with { Nesterov = v })
        .Field("weight_decay", SpecCodecs.Double, s => s.WeightDecay, (s, v) => s with { WeightDecay = v })
        .Field("augmentation", SpecCodecs.Enum<AugmentationName>(), s => s.Augmentation, (s, v) => s with { Augmentation = v });

    /// <summary><c>teachers.model</c> and <c>distillation.student</c>.</summary>
    public static SectionSchema<ModelSection> Model { get; } = new SectionSchema<ModelSection>()
        .Field("kind", SpecCodecs.Enum<ModelArchitecture>(), s => s.Kind, (s, v) => s with { Kind = v })
        .Field("hidden", SpecCodecs.List(SpecCodecs.Int), s => s.Hidden, (s, v) => s with { Hidden = v })
        .Field("channels", SpecCodecs.List(SpecCodecs.Int), s => s.Channels, (s, v) => s with { Channels = v })
        .Field("fc_hidden", SpecCodecs.Int, s => s.FcHidden, (s, v) => s with { FcHidden = v })
        .Field("dropout", SpecCodecs.Double, s => s.Dropout, (s, v) => s with { Dropout = v });

    /// <summary><c>data.synthetic</c>.</summary>
    public static SectionSchema<SyntheticDataSpec> Synthetic { get; } = new SectionSchema<SyntheticDataSpec>()
        .Field("group_sizes", SpecCodecs.List(SpecCodecs.Int), s => s.GroupSizes, (s, v) => s with { GroupSizes = v })
        .Field("features", SpecCodecs.Int, s => s.Features, (s, v) => s with { Features = v })
        .Field("train_per_class", SpecCodecs.Int, s => s.TrainPerClass, (s, v) => s with { TrainPerClass = v })
        .Field("test_per_class", SpecCodecs.Int, s => s.TestPerClass, (s, v) => s with { TestPerClass = v })
        .Field("group_separation", SpecCodecs.Double, s => s.GroupSeparation, (s, v) => s with { GroupSeparation = v })
        .Field("class_separation", SpecCodecs.Double, s => s.ClassSeparation, (s, v) => s with { ClassSeparation = v })
        .Field("noise", SpecCodecs.Double, s => s.Noise, (s, v) => s with { Noise = v });

    /// <summary><c>data</c>.</summary>
    public static SectionSchema<DataSpec> Data { get; } = new SectionSchema<DataSpec>()
        .Field("dataset", SpecCodecs.String, s => s.Dataset, (s, v) => s with { Dataset = v })
        .Field("train_subset", SpecCodecs.Int, s => s.TrainSubset, (s, v) => s with { TrainSubset = v })
        .Field("test_subset", SpecCodecs.Int, s => s.TestSubset, (s, v) => s with { TestSubset = v })
        .Field("validation_fraction", SpecCodecs.Double, s => s.ValidationFraction, (s, v) => s with { ValidationFraction = v })
        .Section("synthetic", Synthetic, s => s.Synthetic, (s, v) => s with { Synthetic = v });

    /// <summary><c>teachers</c>.</summary>
    public static SectionSchema<TeachersSpec> Teachers { get; } = new SectionSchema<TeachersSpec>()
        .Field("count", SpecCodecs.Int, s => s.Count, (s, v) => s with { Count = v })
        .Field("min", SpecCodecs.Nullable(SpecCodecs.Int), s => s.Min, (s, v) => s with { Min = v })
        .Field("bootstrap", SpecCodecs.Bool, s => s.Bootstrap, (s, v) => s with { Bootstrap = v })
        .Field("cross_fit", SpecCodecs.Bool, s => s.CrossFit, (s, v) => s with { CrossFit = v })
        .Section("model", Model, s => s.Model, (s, v) => s with { Model = v })
        .Section("training", Training, s => s.Training, (s, v) => s with { Training = v });

    /// <summary><c>specialists</c>.</summary>
    public static SectionSchema<SpecialistsSpec> Specialists { get; } = new SectionSchema<SpecialistsSpec>()
        .Field("count", SpecCodecs.Int, s => s.Count, (s, v) => s with { Count = v })
        .Field("max_size", SpecCodecs.Int, s => s.MaxSize, (s, v) => s with { MaxSize = v })
        .Field("clustering", SpecCodecs.Enum<SpecialistClustering>(), s => s.Clustering, (s, v) => s with { Clustering = v })
        .Field("head", SpecCodecs.Enum<SpecialistHead>(), s => s.Head, (s, v) => s with { Head = v })
        .Field("top_n", SpecCodecs.Int, s => s.TopN, (s, v) => s with { TopN = v })
        .Section("training", Training, s => s.Training, (s, v) => s with { Training = v });

    /// <summary><c>aggregation</c>.</summary>
    public static SectionSchema<AggregationSpec> Aggregation { get; } = new SectionSchema<AggregationSpec>()
        .Field("method", SpecCodecs.Enum<AggregationMethod>(), s => s.Method, (s, v) => s with { Method = v })
        .Field("weighting", SpecCodecs.Enum<MemberWeighting>(), s => s.Weighting, (s, v) => s with { Weighting = v });

    /// <summary><c>distillation.transfer</c>.</summary>
    public static SectionSchema<TransferSpec> Transfer { get; } = new SectionSchema<TransferSpec>()
        .Field("fraction", SpecCodecs.Double, s => s.Fraction, (s, v) => s with { Fraction = v })
        .Field("labeled", SpecCodecs.Bool, s => s.Labeled, (s, v) => s with { Labeled = v })
        .Field("labeled_fraction", SpecCodecs.Double, s => s.LabeledFraction, (s, v) => s with { LabeledFraction = v })
        .Field("omit_classes", SpecCodecs.List(SpecCodecs.Int), s => s.OmitClasses, (s, v) => s with { OmitClasses = v })
        .Field("bias_correction", SpecCodecs.Bool, s => s.BiasCorrection, (s, v) => s with { BiasCorrection = v })
        .Field("views", SpecCodecs.Int, s => s.Views, (s, v) => s with { Views = v })
        .Field("augmentation", SpecCodecs.Enum<AugmentationName>(), s => s.Augmentation, (s, v) => s with { Augmentation = v })
        .Field("mixup", SpecCodecs.Double, s => s.Mixup, (s, v) => s with { Mixup = v });

    /// <summary><c>distillation.compress.prune</c>.</summary>
    public static SectionSchema<PruneSpec> Prune { get; } = new SectionSchema<PruneSpec>()
        .Field("method", SpecCodecs.Enum<PruningMethod>(), s => s.Method, (s, v) => s with { Method = v })
        .Field("sparsity", SpecCodecs.Double, s => s.Sparsity, (s, v) => s with { Sparsity = v })
        .Field("fine_tune_epochs", SpecCodecs.Int, s => s.FineTuneEpochs, (s, v) => s with { FineTuneEpochs = v })
        .Field("learning_rate", SpecCodecs.Nullable(SpecCodecs.Double), s => s.LearningRate, (s, v) => s with { LearningRate = v });

    /// <summary><c>distillation.compress.quantize</c>.</summary>
    public static SectionSchema<QuantizeSpec> Quantize { get; } = new SectionSchema<QuantizeSpec>()
        .Field("calibration_examples", SpecCodecs.Int, s => s.CalibrationExamples, (s, v) => s with { CalibrationExamples = v });

    /// <summary><c>distillation.compress</c>.</summary>
    public static SectionSchema<CompressSpec> Compress { get; } = new SectionSchema<CompressSpec>()
        .OptionalSection("prune", Prune, new PruneSpec(), s => s.Prune, (s, v) => s with { Prune = v })
        .OptionalSection("quantize", Quantize, new QuantizeSpec(), s => s.Quantize, (s, v) => s with { Quantize = v });

    /// <summary><c>distillation</c>.</summary>
    public static SectionSchema<DistillationSpec> Distillation { get; } = new SectionSchema<DistillationSpec>()
        .Section("student", Model, s => s.Student, (s, v) => s with { Student = v })
        .Section("training", Training, s => s.Training, (s, v) => s with { Training = v })
        .Field("temperature", SpecCodecs.Double, s => s.Temperature, (s, v) => s with { Temperature = v })
        .Field("student_temperature", SpecCodecs.Nullable(SpecCodecs.Double), s => s.StudentTemperature, (s, v) => s with { StudentTemperature = v })
        .Field("alpha", SpecCodecs.Double, s => s.Alpha, (s, v) => s with { Alpha = v })
        .Field("logit_standardization", SpecCodecs.Enum<LogitStandardizationMode>(), s => s.LogitStandardization, (s, v) => s with { LogitStandardization = v })
        .Field("targets", SpecCodecs.Enum<SoftTargetSource>(), s => s.Targets, (s, v) => s with { Targets = v })
        .Section("transfer", Transfer, s => s.Transfer, (s, v) => s with { Transfer = v })
        .Section("compress", Compress, s => s.Compress, (s, v) => s with { Compress = v });

    /// <summary>The whole document.</summary>
    public static SectionSchema<RunSpec> Run { get; } = new SectionSchema<RunSpec>()
        .Field("name", SpecCodecs.NullableString, s => s.Name, (s, v) => s with { Name = v })
        .Field("seed", SpecCodecs.Int, s => s.Seed, (s, v) => s with { Seed = v })
        .Field("device", SpecCodecs.String, s => s.Device, (s, v) => s with { Device = v })
        .Section("data", Data, s => s.Data, (s, v) => s with { Data = v })
        .Section("teachers", Teachers, s => s.Teachers, (s, v) => s with { Teachers = v })
        .Section("specialists", Specialists, s => s.Specialists, (s, v) => s with { Specialists = v })
        .Section("aggregation", Aggregation, s => s.Aggregation, (s, v) => s with { Aggregation = v })
        .Section("distillation", Distillation, s => s.Distillation, (s, v) => s with { Distillation = v })
        .Field("baseline", SpecCodecs.Bool, s => s.Baseline, (s, v) => s with { Baseline = v });
}
