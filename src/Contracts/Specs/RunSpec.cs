using System.Text.RegularExpressions;

namespace Ensemble.Contracts.Specs;

/// <summary>
/// What a user submits: a run of n teachers, optional specialists, an aggregation, a distilled student and its baseline.
/// Read from YAML or JSON with <see cref="RunSpecReader"/>, written with <see cref="RunSpecWriter"/>; keys in files are
/// the snake_case of these properties, enums lower-case words. Every field has a default, so an empty file is a valid run.
/// </summary>
public sealed partial record RunSpec
{
    /// <summary>Fashion-MNIST images are 28×28; each CNN block halves them, so more than this many blocks leave nothing.</summary>
    private const int FashionMnistMaxConvBlocks = 4;

    /// <summary><c>name</c>: letters, digits, '-' and '_'; null (the default) lets the caller choose (the CLI uses the file name).</summary>
    public string? Name { get; init; }

    /// <summary><c>seed</c>: the base seed, at least 0; teacher i uses seed + i. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>device</c>: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary><c>data</c>: the dataset.</summary>
    public DataSpec Data { get; init; } = new();

    /// <summary><c>teachers</c>: the ensemble.</summary>
    public TeachersSpec Teachers { get; init; } = new();

    /// <summary><c>specialists</c>: networks for confusable classes; none by default.</summary>
    public SpecialistsSpec Specialists { get; init; } = new();

    /// <summary><c>aggregation</c>: how the teachers' predictions are combined.</summary>
    public AggregationSpec Aggregation { get; init; } = new();

    /// <summary><c>distillation</c>: the student and its loss.</summary>
    public DistillationSpec Distillation { get; init; } = new();

    /// <summary><c>baseline</c>: also train the student architecture on hard labels only, with the same budget. Default true.</summary>
    public bool Baseline { get; init; } = true;

    /// <summary>Every semantic problem (ranges, fields that disagree, <see cref="SpecLimits.Default"/>), each by path; empty when the spec is valid.</summary>
    public IReadOnlyList<SpecProblem> Validate() => Validate(SpecLimits.Default);

    /// <summary>Every semantic problem (ranges, fields that disagree, counts over <paramref name="limits"/>), each by path; empty when the spec is valid.</summary>
    public IReadOnlyList<SpecProblem> Validate(SpecLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var problems = new List<SpecProblem>();
        if (Name is not null && !NamePattern().IsMatch(Name)) problems.Add(new("name", "must be non-empty and use only letters, digits, '-' and '_'"));
        if (Seed < 0) problems.Add(new("seed", "must be >= 0"));
        if (Device is null || !DevicePattern().IsMatch(Device)) problems.Add(new("device", $"expected cpu, cuda or cuda:N, got '{Device}'"));

        problems.AddRange(Data.Validate("data"));
        problems.AddRange(Teachers.Validate("teachers"));
        problems.AddRange(Specialists.Validate("specialists"));
        problems.AddRange(Distillation.Validate("distillation", Data.ClassCount));

        foreach (var (path, model) in new[] { ("teachers.model", Teachers.Model), ("distillation.student", Distillation.Student) })
        {
            if (model.Kind != ModelArchitecture.Cnn) continue;
            if (Data.IsSynthetic)
            {
                problems.Add(new(SpecPath.Field(path, "kind"), "cnn needs image data; synthetic examples are flat feature vectors (use mlp)"));
            }
            else if (Data.IsFashionMnist && model.Channels.Count > FashionMnistMaxConvBlocks)
            {
                problems.Add(new(SpecPath.Field(path, "channels"),
                    $"{model.Channels.Count} pooling blocks shrink a 28x28 image to nothing; use at most {FashionMnistMaxConvBlocks}"));
            }
        }

        foreach (var (path, training) in new[]
                 {
                     ("teachers.training", Teachers.Training), ("specialists.training", Specialists.Training), ("distillation.training", Distillation.Training),
                 })
        {
            if (Data.IsSynthetic && training.Augmentation != AugmentationName.None)
            {
                problems.Add(new(SpecPath.Field(path, "augmentation"), "needs image data; synthetic examples are flat feature vectors (use none)"));
            }
        }

        if (Distillation.Training.Augmentation != AugmentationName.None)
        {
            problems.Add(new("distillation.training.augmentation",
                "must be none: the student's augmented inputs are distillation.transfer.views, so the teachers' soft targets match what it sees"));
        }

        if (Data.IsSynthetic && Distillation.Transfer.Views > 1)
        {
            problems.Add(new("distillation.transfer.views", "must be 1 on synthetic data (augmented views need images)"));
        }

        if (Data.IsSynthetic && Distillation.Targets == SoftTargetSource.Online && Distillation.Transfer.Augmentation != AugmentationName.None)
        {
            problems.Add(new("distillation.transfer.augmentation", "must be none with targets: online on synthetic data (shifts and flips need images; mixup works on any data)"));
        }

        if (Teachers.CrossFit && Distillation.Targets == SoftTargetSource.Online)
        {
            problems.Add(new("distillation.targets", "must be fixed with teachers.cross_fit (an out-of-fold target belongs to one stored example, not to an augmented or mixed image)"));
        }

        problems.AddRange(limits.Check(this));
        return problems;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(cpu|cuda|cuda:[0-9]+)$")]
    private static partial Regex DevicePattern();
}
