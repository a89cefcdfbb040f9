using Ensemble.Contracts.Specs;

namespace Ensemble.Contracts.Tests.Specs;

/// <summary>Tests for <see cref="RunSpec.Validate"/>: every range, and the checks across sections.</summary>
public sealed class RunSpecValidationTests
{
    private static readonly RunSpec Synthetic = new()
    {
        Data = new DataSpec { Dataset = "synthetic" },
        Teachers = new TeachersSpec { Model = new ModelSection() },
    };

    /// <summary>The defaults, and the defaults on synthetic data with MLP teachers, are valid.</summary>
    [Fact]
    public void Validate_Defaults_HasNoProblems()
    {
        Assert.Empty(new RunSpec().Validate());
        Assert.Empty(Synthetic.Validate());
    }

    /// <summary>Each out-of-range value gives one problem, at its path, with the rule it breaks.</summary>
    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_OutOfRange_ReportsThePathAndRule(RunSpec spec, string expected)
    {
        Assert.Equal(expected, Assert.Single(spec.Validate()).ToString());
    }

    /// <summary>One broken rule per case.</summary>
    public static TheoryData<RunSpec, string> OutOfRange() => new()
    {
        { new RunSpec { Name = "my run" }, "name: must be non-empty and use only letters, digits, '-' and '_'" },
        { new RunSpec { Name = "" }, "name: must be non-empty and use only letters, digits, '-' and '_'" },
        { new RunSpec { Seed = -1 }, "seed: must be >= 0" },
        { new RunSpec { Device = "cuda:x" }, "device: expected cpu, cuda or cuda:N, got 'cuda:x'" },
        { new RunSpec { Data = new DataSpec { Dataset = " " } }, "data.dataset: must be fashion-mnist, synthetic or a directory of IDX files" },
        { new RunSpec { Data = new DataSpec { TrainSubset = -5 } }, "data.train_subset: must be >= 0 (0 = all)" },
        { new RunSpec { Data = new DataSpec { TrainSubset = 60_001 } }, "data.train_subset: 60001 is more than the 60000 training examples" },
        { Synthetic with { Data = Synthetic.Data with { TestSubset = 1001 } }, "data.test_subset: 1001 is more than the 1000 test examples" },
        { new RunSpec { Data = new DataSpec { ValidationFraction = 0.5 } }, "data.validation_fraction: must be in (0, 0.5): the held-out split chooses clusters, member weights and the exported student" },
        { new RunSpec { Teachers = new TeachersSpec { Count = 1, CrossFit = true } }, "teachers.cross_fit: needs count >= 2 (one held-out fold per teacher)" },
        { new RunSpec { Teachers = new TeachersSpec { CrossFit = true, Bootstrap = true } }, "teachers.cross_fit: cannot be combined with bootstrap" },
        { new RunSpec { Teachers = new TeachersSpec { Count = 3, Min = 4 } }, "teachers.min: must be between 1 and count (3)" },
        { new RunSpec { Teachers = new TeachersSpec { Count = 3, Min = 0 } }, "teachers.min: must be between 1 and count (3)" },
        { new RunSpec { Teachers = new TeachersSpec { Count = 3, Min = 2, CrossFit = true } }, "teachers.min: must equal count with cross_fit (every fold needs its teacher)" },
        { new RunSpec { Data = new DataSpec { ValidationFraction = 0 } }, "data.validation_fraction: must be in (0, 0.5): the held-out split chooses clusters, member weights and the exported student" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { Views = 4, Augmentation = AugmentationName.None } } }, "distillation.transfer.augmentation: must be shift or shift-flip when views > 1 (identical views add nothing)" },
        { new RunSpec { Distillation = new DistillationSpec { Training = new TrainingSection { Augmentation = AugmentationName.Shift } } }, "distillation.training.augmentation: must be none: the student's augmented inputs are distillation.transfer.views, so the teachers' soft targets match what it sees" },
        { new RunSpec { Data = new DataSpec { Synthetic = new SyntheticDataSpec { GroupSizes = [] } } }, "data.synthetic.group_sizes: must list at least one group" },
        { new RunSpec { Data = new DataSpec { Synthetic = new SyntheticDataSpec { GroupSizes = [3, 0] } } }, "data.synthetic.group_sizes[1]: must be >= 1" },
        { new RunSpec { Data = new DataSpec { Synthetic = new SyntheticDataSpec { GroupSizes = [1] } } }, "data.synthetic.group_sizes: need at least 2 classes in all" },
        { new RunSpec { Data = new DataSpec { Synthetic = new SyntheticDataSpec { Features = 8 } } }, "data.synthetic.features: must be >= 9 (the class count - 1) to place 10 class centres" },
        { new RunSpec { Data = new DataSpec { Synthetic = new SyntheticDataSpec { Noise = 0 } } }, "data.synthetic.noise: must be a finite number > 0" },
        { new RunSpec { Teachers = new TeachersSpec { Count = 0 } }, "teachers.count: must be >= 1" },
        { new RunSpec { Teachers = new TeachersSpec { Model = ModelSection.DefaultTeacher with { Channels = [] } } }, "teachers.model.channels: a cnn needs at least one conv block" },
        { new RunSpec { Teachers = new TeachersSpec { Model = ModelSection.DefaultTeacher with { Channels = [32, 0] } } }, "teachers.model.channels[1]: must be >= 1" },
        { new RunSpec { Teachers = new TeachersSpec { Model = ModelSection.DefaultTeacher with { Channels = [8, 8, 8, 8, 8] } } }, "teachers.model.channels: 5 pooling blocks shrink a 28x28 image to nothing; use at most 4" },
        { new RunSpec { Teachers = new TeachersSpec { Model = ModelSection.DefaultTeacher with { FcHidden = 0 } } }, "teachers.model.fc_hidden: must be >= 1" },
        { new RunSpec { Distillation = new DistillationSpec { Student = ModelSection.DefaultStudent with { Hidden = [] } } }, "distillation.student.hidden: an mlp needs at least one hidden layer" },
        { new RunSpec { Distillation = new DistillationSpec { Student = ModelSection.DefaultStudent with { Dropout = -0.1 } } }, "distillation.student.dropout: must be in [0, 1)" },
        { new RunSpec { Teachers = new TeachersSpec { Training = new TrainingSection { Epochs = 0 } } }, "teachers.training.epochs: must be >= 1" },
        { new RunSpec { Teachers = new TeachersSpec { Training = new TrainingSection { BatchSize = 0 } } }, "teachers.training.batch_size: must be >= 1" },
        { new RunSpec { Teachers = new TeachersSpec { Training = new TrainingSection { LearningRate = 0 } } }, "teachers.training.learning_rate: must be a finite number > 0" },
        { new RunSpec { Teachers = new TeachersSpec { Training = new TrainingSection { LearningRate = double.NaN } } }, "teachers.training.learning_rate: must be a finite number > 0" },
        { new RunSpec { Specialists = new SpecialistsSpec { Training = new TrainingSection { Momentum = 1 } } }, "specialists.training.momentum: must be in [0, 1)" },
        { new RunSpec { Specialists = new SpecialistsSpec { Training = new TrainingSection { Nesterov = true, Momentum = 0 } } }, "specialists.training.nesterov: needs momentum > 0" },
        { new RunSpec { Specialists = new SpecialistsSpec { Training = new TrainingSection { Nesterov = true, Optimizer = OptimizerName.AdamW } } }, "specialists.training.nesterov: only applies to the sgd optimizer" },
        { new RunSpec { Distillation = new DistillationSpec { Training = new TrainingSection { WeightDecay = -1e-4 } } }, "distillation.training.weight_decay: must be a finite number >= 0" },
        { new RunSpec { Specialists = new SpecialistsSpec { Count = -1 } }, "specialists.count: must be >= 0 (0 = no specialists)" },
        { new RunSpec { Specialists = new SpecialistsSpec { MaxSize = 1 } }, "specialists.max_size: must be >= 2" },
        { new RunSpec { Specialists = new SpecialistsSpec { TopN = 0 } }, "specialists.top_n: must be >= 1" },
        { new RunSpec { Distillation = new DistillationSpec { Temperature = 0 } }, "distillation.temperature: must be a finite number > 0" },
        { new RunSpec { Distillation = new DistillationSpec { Compress = new CompressSpec { Prune = new PruneSpec { Sparsity = 1 } } } }, "distillation.compress.prune.sparsity: must be in (0, 0.99]" },
        { new RunSpec { Distillation = new DistillationSpec { Compress = new CompressSpec { Prune = new PruneSpec { Sparsity = 0 } } } }, "distillation.compress.prune.sparsity: must be in (0, 0.99]" },
        { new RunSpec { Distillation = new DistillationSpec { Compress = new CompressSpec { Prune = new PruneSpec { FineTuneEpochs = -1 } } } }, "distillation.compress.prune.fine_tune_epochs: must be >= 0" },
        { new RunSpec { Distillation = new DistillationSpec { Compress = new CompressSpec { Prune = new PruneSpec { LearningRate = 0 } } } }, "distillation.compress.prune.learning_rate: must be a finite number > 0, or null for a tenth of the student's" },
        { new RunSpec { Distillation = new DistillationSpec { Compress = new CompressSpec { Quantize = new QuantizeSpec { CalibrationExamples = 0 } } } }, "distillation.compress.quantize.calibration_examples: must be >= 1" },
        { new RunSpec { Distillation = new DistillationSpec { StudentTemperature = -2 } }, "distillation.student_temperature: must be a finite number > 0, or null for the same as temperature" },
        { new RunSpec { Distillation = new DistillationSpec { Alpha = 1.01 } }, "distillation.alpha: must be in [0, 1]" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { Labeled = false } } }, "distillation.alpha: must be 0 with an unlabeled transfer set (transfer.labeled: false)" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { Fraction = 0 } } }, "distillation.transfer.fraction: must be in (0, 1]" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { Views = 0 } } }, "distillation.transfer.views: must be >= 1" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { OmitClasses = [-1] } } }, "distillation.transfer.omit_classes[0]: -1 is not a class index (must be >= 0)" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { OmitClasses = [2, 5, 2] } } }, "distillation.transfer.omit_classes[2]: 2 is listed twice" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { BiasCorrection = true } } }, "distillation.transfer.bias_correction: needs at least one class in omit_classes" },
        { Synthetic with { Distillation = new DistillationSpec { Transfer = new TransferSpec { OmitClasses = [10] } } }, "distillation.transfer.omit_classes[0]: 10 is not a class index (the dataset has 10 classes, 0 to 9)" },
        { Synthetic with { Data = Synthetic.Data with { Synthetic = new SyntheticDataSpec { GroupSizes = [1, 1] } }, Distillation = new DistillationSpec { Transfer = new TransferSpec { OmitClasses = [0, 1] } } }, "distillation.transfer.omit_classes: leaves no class in the transfer set" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { LabeledFraction = 0 } } }, "distillation.transfer.labeled_fraction: must be in (0, 1]" },
        { new RunSpec { Distillation = new DistillationSpec { Alpha = 0, Transfer = new TransferSpec { Labeled = false, LabeledFraction = 0.5 } } }, "distillation.transfer.labeled_fraction: must be 1 with labeled: false (no label is shown at all)" },
        { new RunSpec { Distillation = new DistillationSpec { Transfer = new TransferSpec { Mixup = 0.4 } } }, "distillation.transfer.mixup: needs targets: online (a fixed target was computed on an unmixed image, so it would not describe the mixed one)" },
        { new RunSpec { Distillation = new DistillationSpec { Targets = SoftTargetSource.Online, Transfer = new TransferSpec { Mixup = -1 } } }, "distillation.transfer.mixup: must be a finite number >= 0 (the Beta(α, α) parameter; 0 is off)" },
        { new RunSpec { Distillation = new DistillationSpec { Targets = SoftTargetSource.Online, Transfer = new TransferSpec { Mixup = double.PositiveInfinity } } }, "distillation.transfer.mixup: must be a finite number >= 0 (the Beta(α, α) parameter; 0 is off)" },
        { new RunSpec { Distillation = new DistillationSpec { Targets = SoftTargetSource.Online, Transfer = new TransferSpec { Views = 4 } } }, "distillation.transfer.views: must be 1 with targets: online (every epoch is a fresh augmented view whose targets the teachers compute; views are for fixed targets)" },
        { new RunSpec { Teachers = new TeachersSpec { CrossFit = true }, Distillation = new DistillationSpec { Targets = SoftTargetSource.Online } }, "distillation.targets: must be fixed with teachers.cross_fit (an out-of-fold target belongs to one stored example, not to an augmented or mixed image)" },
        { Synthetic with { Distillation = Synthetic.Distillation with { Targets = SoftTargetSource.Online, Transfer = new TransferSpec { Augmentation = AugmentationName.Shift } } }, "distillation.transfer.augmentation: must be none with targets: online on synthetic data (shifts and flips need images; mixup works on any data)" },
        { Synthetic with { Teachers = new TeachersSpec() }, "teachers.model.kind: cnn needs image data; synthetic examples are flat feature vectors (use mlp)" },
        { Synthetic with { Specialists = new SpecialistsSpec { Training = new TrainingSection { Augmentation = AugmentationName.Shift } } }, "specialists.training.augmentation: needs image data; synthetic examples are flat feature vectors (use none)" },
    };

    /// <summary>Class indices cannot be checked for a directory dataset, whose class count is unknown until it is read.</summary>
    [Fact]
    public void Validate_DirectoryDataset_SkipsClassIndexChecks()
    {
        var spec = new RunSpec
        {
            Data = new DataSpec { Dataset = "/data/idx", TrainSubset = 1_000_000 },
            Distillation = new DistillationSpec { Transfer = new TransferSpec { OmitClasses = [50] } },
        };

        Assert.Null(spec.Data.ClassCount);
        Assert.Empty(spec.Validate());
    }

    /// <summary>The class count is known for the catalog datasets: 10 for Fashion-MNIST (any case), the group sizes' sum for synthetic.</summary>
    [Fact]
    public void ClassCount_CatalogDatasets_AreKnown()
    {
        Assert.Equal(10, new DataSpec { Dataset = "Fashion-MNIST" }.ClassCount);
        Assert.Equal(7, new DataSpec { Dataset = "synthetic", Synthetic = new SyntheticDataSpec { GroupSizes = [4, 2, 1] } }.ClassCount);
        Assert.Null(new DataSpec { Dataset = "synthetic", Synthetic = new SyntheticDataSpec { GroupSizes = [4, -2] } }.ClassCount);
    }

    /// <summary>Several problems anywhere are all returned.</summary>
    [Fact]
    public void Validate_SeveralProblems_ReturnsAll()
    {
        var spec = new RunSpec
        {
            Seed = -1,
            Teachers = new TeachersSpec { Count = 0, Training = new TrainingSection { Epochs = 0 } },
            Distillation = new DistillationSpec { Alpha = -1 },
        };

        Assert.Equal(["seed", "teachers.count", "teachers.training.epochs", "distillation.alpha"], spec.Validate().Select(p => p.Path));
    }
}
