using Ensemble.Contracts.Specs;

namespace Ensemble.Contracts.Tests.Specs;

/// <summary>Tests for <see cref="SpecLimits"/>: every count a spec can ask for has a limit, reported by field path with the limit.</summary>
public sealed class SpecLimitsTests
{
    /// <summary>The spec from the issue (100,000 teachers, 10^9 epochs) is refused on both fields, each with its line.</summary>
    [Fact]
    public void Parse_HugeEnsemble_IsRefusedByFieldWithTheLimit()
    {
        const string text = "teachers:\n  count: 100000\n  training: {epochs: 1000000000}\n";

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml", "huge.yaml"));

        Assert.Equal(
            "huge.yaml:2:3: teachers.count: 100000 is over the limit of 64" + Environment.NewLine +
            "huge.yaml:3:14: teachers.training.epochs: 1000000000 is over the limit of 1000",
            error.Message);
    }

    /// <summary>Each limited field, one at a time, is named with its limit.</summary>
    [Theory]
    [InlineData("seed: 2000000000", "seed: 2000000000 is over the limit of 1000000000")]
    [InlineData("data: {train_subset: 20000000, dataset: /data/mine}", "data.train_subset: 20000000 is over the limit of 10000000")]
    [InlineData("specialists: {count: 65}", "specialists.count: 65 is over the limit of 64")]
    [InlineData("specialists: {max_size: 101}", "specialists.max_size: 101 is over the limit of 100")]
    [InlineData("specialists: {top_n: 1000}", "specialists.top_n: 1000 is over the limit of 100")]
    [InlineData("distillation: {training: {batch_size: 1000000}}", "distillation.training.batch_size: 1000000 is over the limit of 65536")]
    [InlineData("specialists: {training: {learning_rate: 1e9}}", "specialists.training.learning_rate: 1000000000 is over the limit of 10")]
    [InlineData("distillation: {student: {hidden: [100000]}}", "distillation.student.hidden[0]: 100000 is over the limit of 16384")]
    [InlineData("teachers: {model: {fc_hidden: 1000000}}", "teachers.model.fc_hidden: 1000000 is over the limit of 16384")]
    [InlineData("teachers: {model: {channels: [32, 100000]}}", "teachers.model.channels[1]: 100000 is over the limit of 2048")]
    [InlineData("distillation: {transfer: {views: 1000}}", "distillation.transfer.views: 1000 is over the limit of 32")]
    [InlineData("distillation: {temperature: 1e6}", "distillation.temperature: 1000000 is over the limit of 100")]
    [InlineData("distillation: {student_temperature: 500}", "distillation.student_temperature: 500 is over the limit of 100")]
    [InlineData("distillation: {compress: {prune: {fine_tune_epochs: 5000}}}", "distillation.compress.prune.fine_tune_epochs: 5000 is over the limit of 1000")]
    [InlineData("distillation: {compress: {quantize: {calibration_examples: 20000000}}}", "distillation.compress.quantize.calibration_examples: 20000000 is over the limit of 10000000")]
    [InlineData("data: {dataset: synthetic, synthetic: {features: 100000}}", "data.synthetic.features: 100000 is over the limit of 4096")]
    [InlineData("data: {dataset: synthetic, synthetic: {train_per_class: 1000000}}", "data.synthetic.train_per_class: 1000000 is over the limit of 100000")]
    [InlineData("data: {dataset: synthetic, synthetic: {group_sizes: [600, 600], features: 1200}}", "data.synthetic.group_sizes: 1200 classes in all are over the limit of 1000")]
    public void Parse_FieldOverItsLimit_NamesFieldAndLimit(string text, string expected)
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml"));

        Assert.Contains(expected, error.Problems.Select(p => p.ToString()));
        Assert.All(error.Problems.Where(p => p.ToString() == expected), p => Assert.Equal(1, p.Line));
    }

    /// <summary>Too many layers is one problem for the list, not one per layer.</summary>
    [Fact]
    public void Parse_TooManyLayers_IsOneProblemForTheList()
    {
        string hidden = string.Join(", ", Enumerable.Repeat("8", 40));

        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse($"teachers: {{model: {{kind: mlp, hidden: [{hidden}]}}}}", "yaml")).Problems);

        Assert.Equal("teachers.model.hidden: 40 layers are over the limit of 16", problem.ToString());
    }

    /// <summary>A synthetic set whose every factor is allowed but whose product is too large is refused by its size.</summary>
    [Fact]
    public void Parse_SyntheticSetTooLarge_NamesTheProductAndLimit()
    {
        const string text = "data: {dataset: synthetic, synthetic: {group_sizes: [500, 500], features: 4000, train_per_class: 100000}}\n" +
                            "teachers: {model: {kind: mlp}}\ndistillation: {transfer: {augmentation: none}}\n";

        var problem = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml")).Problems);

        Assert.Equal("data.synthetic: 1000 classes x 100100 examples x 4000 features = 400400000000 values, over the limit of 50000000", problem.ToString());
    }

    /// <summary>Raised limits (an operator's) let the same spec through; <see cref="SpecLimits.Unlimited"/> checks no count.</summary>
    [Fact]
    public void Parse_WithRaisedLimits_AcceptsTheSpec()
    {
        const string text = "teachers: {count: 100}\n";

        Assert.Equal(100, RunSpecReader.Parse(text, "yaml", limits: new SpecLimits { Teachers = 128 }).Teachers.Count);
        Assert.Equal(100, RunSpecReader.Parse(text, "yaml", limits: SpecLimits.Unlimited).Teachers.Count);
        Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml"));
    }

    /// <summary>A spec built in code is held to the same limits by <see cref="RunSpec.Validate(SpecLimits)"/>.</summary>
    [Fact]
    public void Validate_SpecBuiltInCode_IsCheckedAgainstLimits()
    {
        var spec = new RunSpec { Teachers = new TeachersSpec { Count = 100_000 } };

        Assert.Equal("teachers.count: 100000 is over the limit of 64", Assert.Single(spec.Validate()).ToString());
        Assert.Empty(spec.Validate(SpecLimits.Unlimited));
    }

    /// <summary>Invalid limits (an operator's typo) name each field.</summary>
    [Fact]
    public void Problems_InvalidLimits_NameEachField()
    {
        var limits = new SpecLimits { Teachers = 0, Temperature = -1, Document = new SpecDocumentLimits { Depth = 0 } };

        Assert.Equal(
            ["Limits:Teachers must be >= 1, got 0", "Limits:Temperature must be > 0, got -1", "Limits:Document:Depth must be >= 1, got 0"],
            limits.Problems("Limits:"));
        Assert.Empty(SpecLimits.Default.Problems());
    }

    /// <summary>Every example spec in the repository is within the default limits.</summary>
    [Fact]
    public void Examples_AreWithinTheDefaultLimits()
    {
        string examples = Path.Combine(RepositoryRoot(), "examples");
        var files = Directory.GetFiles(examples, "*.yaml");

        Assert.NotEmpty(files);
        Assert.All(files, file => RunSpecReader.Load(file));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ensemble.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("no Ensemble.sln above the test binaries");
    }
}
