using System.Globalization;

namespace Ensemble.Contracts.Specs;

/// <summary>
/// The most a spec may ask for: every count and size that sets how much work or memory a run takes, each with a
/// documented default, and the limits on the document itself (<see cref="Document"/>). A spec over one is refused
/// before anything is stored, with the field path and the limit (<c>teachers.count: 100000 is over the limit of 64</c>).
/// A silo reads its limits from configuration (section <c>Limits</c>), so an operator may raise them.
/// </summary>
public sealed record SpecLimits
{
    /// <summary><c>teachers.count</c> (and so <c>teachers.min</c>). Default 64.</summary>
    public int Teachers { get; init; } = 64;

    /// <summary><c>specialists.count</c>. Default 64.</summary>
    public int Specialists { get; init; } = 64;

    /// <summary><c>specialists.max_size</c> and <c>specialists.top_n</c>, in classes. Default 100.</summary>
    public int SpecialistSize { get; init; } = 100;

    /// <summary><c>epochs</c> of each <c>training</c> section. Default 1,000.</summary>
    public int Epochs { get; init; } = 1_000;

    /// <summary><c>batch_size</c> of each <c>training</c> section. Default 65,536.</summary>
    public int BatchSize { get; init; } = 65_536;

    /// <summary><c>learning_rate</c> of each <c>training</c> section. Default 10.</summary>
    public double LearningRate { get; init; } = 10;

    /// <summary>How many entries <c>hidden</c> and <c>channels</c> of a model may list. Default 16.</summary>
    public int Layers { get; init; } = 16;

    /// <summary>Each MLP width in <c>hidden</c>, and <c>fc_hidden</c>. Default 16,384.</summary>
    public int Width { get; init; } = 16_384;

    /// <summary>Each CNN block's output channels in <c>channels</c>. Default 2,048.</summary>
    public int Channels { get; init; } = 2_048;

    /// <summary><c>distillation.transfer.views</c>. Default 32.</summary>
    public int Views { get; init; } = 32;

    /// <summary><c>data.train_subset</c> and <c>data.test_subset</c>. Default 10,000,000.</summary>
    public int Subset { get; init; } = 10_000_000;

    /// <summary><c>seed</c> (teacher i uses seed + i, so it stays far from the top of the int range). Default 1,000,000,000.</summary>
    public int Seed { get; init; } = 1_000_000_000;

    /// <summary><c>distillation.temperature</c> and <c>distillation.student_temperature</c>. Default 100.</summary>
    public double Temperature { get; init; } = 100;

    /// <summary>
    /// Classes of the synthetic set (the sum of <c>data.synthetic.group_sizes</c>), its number of groups, and the
    /// length of <c>distillation.transfer.omit_classes</c>. Default 1,000.
    /// </summary>
    public int Classes { get; init; } = 1_000;

    /// <summary><c>data.synthetic.features</c>. Default 4,096.</summary>
    public int Features { get; init; } = 4_096;

    /// <summary><c>data.synthetic.train_per_class</c> and <c>test_per_class</c>. Default 100,000.</summary>
    public int ExamplesPerClass { get; init; } = 100_000;

    /// <summary>The synthetic set's size, classes × (train + test per class) × features, in values. Default 50,000,000 (200 MB of floats).</summary>
    public long SyntheticValues { get; init; } = 50_000_000;

    /// <summary>How large the document may be: bytes, nesting, nodes, one value's length.</summary>
    public SpecDocumentLimits Document { get; init; } = new();

    /// <summary>The defaults.</summary>
    public static SpecLimits Default { get; } = new();

    /// <summary>
    /// No limit on counts, only on the document (<see cref="SpecDocumentLimits.Default"/>): for a client that leaves the
    /// counts to the silo it submits to (whose limits an operator may have raised), and for a spec a silo already accepted.
    /// </summary>
    public static SpecLimits Unlimited { get; } = new()
    {
        Teachers = int.MaxValue, Specialists = int.MaxValue, SpecialistSize = int.MaxValue, Epochs = int.MaxValue,
        BatchSize = int.MaxValue, LearningRate = double.MaxValue, Layers = int.MaxValue, Width = int.MaxValue, Channels = int.MaxValue,
        Views = int.MaxValue, Subset = int.MaxValue, Seed = int.MaxValue, Temperature = double.MaxValue, Classes = int.MaxValue,
        Features = int.MaxValue, ExamplesPerClass = int.MaxValue, SyntheticValues = long.MaxValue,
    };

    /// <summary>Every problem with these limits, each naming its field (prefixed by <paramref name="prefix"/>, e.g. <c>Limits:</c>); empty when valid.</summary>
    public IEnumerable<string> Problems(string prefix = "")
    {
        foreach (var (name, value) in new (string, long)[]
                 {
                     (nameof(Teachers), Teachers), (nameof(Specialists), Specialists), (nameof(SpecialistSize), SpecialistSize),
                     (nameof(Epochs), Epochs), (nameof(BatchSize), BatchSize), (nameof(Layers), Layers), (nameof(Width), Width),
                     (nameof(Channels), Channels), (nameof(Views), Views), (nameof(Subset), Subset), (nameof(Seed), Seed),
                     (nameof(Classes), Classes), (nameof(Features), Features), (nameof(ExamplesPerClass), ExamplesPerClass),
                     (nameof(SyntheticValues), SyntheticValues),
                 })
        {
            if (value < 1) yield return $"{prefix}{name} must be >= 1, got {value.ToString(CultureInfo.InvariantCulture)}";
        }

        if (!(LearningRate > 0)) yield return $"{prefix}{nameof(LearningRate)} must be > 0, got {Format(LearningRate)}";
        if (!(Temperature > 0)) yield return $"{prefix}{nameof(Temperature)} must be > 0, got {Format(Temperature)}";
        if (Document is null) yield return $"{prefix}{nameof(Document)} must be set";
        else foreach (var problem in Document.Problems($"{prefix}{nameof(Document)}:")) yield return problem;
    }

    /// <summary>Every field of <paramref name="spec"/> over one of these limits, by path; empty when none is.</summary>
    public IEnumerable<SpecProblem> Check(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<SpecProblem>();
        void Over(string path, long value, long limit)
        {
            if (value > limit) problems.Add(new(path, $"{value.ToString(CultureInfo.InvariantCulture)} is over the limit of {limit.ToString(CultureInfo.InvariantCulture)}"));
        }

        void OverDouble(string path, double value, double limit)
        {
            if (value > limit) problems.Add(new(path, $"{Format(value)} is over the limit of {Format(limit)}"));
        }

        void TooMany(string path, int count, int limit, string noun)
        {
            if (count > limit) problems.Add(new(path, $"{count.ToString(CultureInfo.InvariantCulture)} {noun} are over the limit of {limit.ToString(CultureInfo.InvariantCulture)}"));
        }

        Over("seed", spec.Seed, Seed);
        Over("data.train_subset", spec.Data.TrainSubset, Subset);
        Over("data.test_subset", spec.Data.TestSubset, Subset);
        Over("teachers.count", spec.Teachers.Count, Teachers);
        Over("specialists.count", spec.Specialists.Count, Specialists);
        Over("specialists.max_size", spec.Specialists.MaxSize, SpecialistSize);
        Over("specialists.top_n", spec.Specialists.TopN, SpecialistSize);
        Over("distillation.transfer.views", spec.Distillation.Transfer.Views, Views);
        OverDouble("distillation.temperature", spec.Distillation.Temperature, Temperature);
        if (spec.Distillation.StudentTemperature is double studentTemperature) OverDouble("distillation.student_temperature", studentTemperature, Temperature);
        TooMany("distillation.transfer.omit_classes", spec.Distillation.Transfer.OmitClasses.Count, Classes, "classes");

        foreach (var (path, training) in new[]
                 {
                     ("teachers.training", spec.Teachers.Training), ("specialists.training", spec.Specialists.Training),
                     ("distillation.training", spec.Distillation.Training),
                 })
        {
            Over(SpecPath.Field(path, "epochs"), training.Epochs, Epochs);
            Over(SpecPath.Field(path, "batch_size"), training.BatchSize, BatchSize);
            OverDouble(SpecPath.Field(path, "learning_rate"), training.LearningRate, LearningRate);
        }

        if (spec.Distillation.Compress.Prune is { } prune)
        {
            Over("distillation.compress.prune.fine_tune_epochs", prune.FineTuneEpochs, Epochs);
            if (prune.LearningRate is double rate) OverDouble("distillation.compress.prune.learning_rate", rate, LearningRate);
        }

        if (spec.Distillation.Compress.Quantize is { } quantize) Over("distillation.compress.quantize.calibration_examples", quantize.CalibrationExamples, Subset);

        foreach (var (path, model) in new[] { ("teachers.model", spec.Teachers.Model), ("distillation.student", spec.Distillation.Student) })
        {
            string hidden = SpecPath.Field(path, "hidden"), channels = SpecPath.Field(path, "channels");
            TooMany(hidden, model.Hidden.Count, Layers, "layers");
            for (int i = 0; i < Math.Min(model.Hidden.Count, Layers); i++) Over(SpecPath.Item(hidden, i), model.Hidden[i], Width);
            TooMany(channels, model.Channels.Count, Layers, "blocks");
            for (int i = 0; i < Math.Min(model.Channels.Count, Layers); i++) Over(SpecPath.Item(channels, i), model.Channels[i], Channels);
            Over(SpecPath.Field(path, "fc_hidden"), model.FcHidden, Width);
        }

        var synthetic = spec.Data.Synthetic;
        const string Synthetic = "data.synthetic";
        TooMany(SpecPath.Field(Synthetic, "group_sizes"), synthetic.GroupSizes.Count, Classes, "groups");
        long classes = synthetic.GroupSizes.Sum(g => (long)Math.Max(g, 0));
        if (classes > Classes)
        {
            problems.Add(new(SpecPath.Field(Synthetic, "group_sizes"), $"{classes.ToString(CultureInfo.InvariantCulture)} classes in all are over the limit of {Classes.ToString(CultureInfo.InvariantCulture)}"));
        }

        Over(SpecPath.Field(Synthetic, "features"), synthetic.Features, Features);
        Over(SpecPath.Field(Synthetic, "train_per_class"), synthetic.TrainPerClass, ExamplesPerClass);
        Over(SpecPath.Field(Synthetic, "test_per_class"), synthetic.TestPerClass, ExamplesPerClass);
        // Only the synthetic set is generated in memory from the spec alone; a directory's size is its files' business.
        if (spec.Data.IsSynthetic && problems.Count == 0)
        {
            // Each factor is within its limit here, so the product of three int-sized factors fits a double exactly enough.
            double values = (double)classes * ((long)Math.Max(synthetic.TrainPerClass, 0) + Math.Max(synthetic.TestPerClass, 0)) * Math.Max(synthetic.Features, 0);
            if (values > SyntheticValues)
            {
                problems.Add(new(Synthetic, $"{classes} classes x {(long)synthetic.TrainPerClass + synthetic.TestPerClass} examples x {synthetic.Features} features = " +
                    $"{values.ToString("0", CultureInfo.InvariantCulture)} values, over the limit of {SyntheticValues.ToString(CultureInfo.InvariantCulture)}"));
            }
        }

        return problems;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
