using Ensemble.Contracts.Specs;

namespace Ensemble.Contracts.Tests.Specs;

/// <summary>Tests for <see cref="RunSpecReader"/>: defaults, both formats, and problems reported all at once, by path.</summary>
public sealed class RunSpecReaderTests
{
    /// <summary>An empty YAML document and an empty JSON object are the all-defaults spec, with the defaults the task lists.</summary>
    [Theory]
    [InlineData("", "yaml")]
    [InlineData("# nothing but a comment\n", "yaml")]
    [InlineData("{}", "json")]
    public void Parse_EmptyDocument_GivesDefaults(string text, string format)
    {
        var spec = RunSpecReader.Parse(text, format);

        Assert.Equal(new RunSpec(), spec);
        Assert.Null(spec.Name);
        Assert.Equal(1, spec.Seed);
        Assert.Equal("cpu", spec.Device);
        Assert.Equal("fashion-mnist", spec.Data.Dataset);
        Assert.Equal(0.1, spec.Data.ValidationFraction);
        Assert.Equal([3, 3, 2, 2], spec.Data.Synthetic.GroupSizes);
        Assert.Equal(4, spec.Teachers.Count);
        Assert.Equal(ModelArchitecture.Cnn, spec.Teachers.Model.Kind);
        Assert.Equal(0.3, spec.Teachers.Model.Dropout);
        Assert.Equal(6, spec.Teachers.Training.Epochs);
        Assert.Equal(5e-4, spec.Teachers.Training.WeightDecay);
        Assert.Equal(0, spec.Specialists.Count);
        Assert.Equal(3, spec.Specialists.Training.Epochs);
        Assert.Equal(AggregationMethod.Arithmetic, spec.Aggregation.Method);
        Assert.Equal(ModelArchitecture.Mlp, spec.Distillation.Student.Kind);
        Assert.Equal([300], spec.Distillation.Student.Hidden);
        Assert.Equal(0.0, spec.Distillation.Student.Dropout);
        Assert.Equal(20, spec.Distillation.Training.Epochs);
        Assert.Equal(2.0, spec.Distillation.Temperature);
        Assert.Null(spec.Distillation.StudentTemperature);
        Assert.Equal(2.0, spec.Distillation.EffectiveStudentTemperature);
        Assert.Equal(0.5, spec.Distillation.Alpha);
        Assert.Equal(LogitStandardizationMode.Off, spec.Distillation.LogitStandardization);
        Assert.Equal(1.0, spec.Distillation.Transfer.Fraction);
        Assert.Empty(spec.Distillation.Transfer.OmitClasses);
        Assert.True(spec.Baseline);
    }

    /// <summary>The documented example, which writes out every default, parses to the defaults (only the name differs).</summary>
    [Fact]
    public void Parse_DocumentedExample_EqualsDefaults()
    {
        var spec = RunSpecReader.Parse(SpecTexts.DocumentedDefaultsYaml, "yaml");

        Assert.Equal(new RunSpec { Name = "quick" }, spec);
    }

    /// <summary>A section that sets some fields keeps the defaults of that place for the rest (teacher model stays a CNN).</summary>
    [Fact]
    public void Parse_PartialSection_OverlaysThatPlacesDefaults()
    {
        var spec = RunSpecReader.Parse("teachers:\n  model: {dropout: 0.5}\n  training: {batch_size: 64}\ndistillation:\n  student: {kind: cnn}\n", "yaml");

        Assert.Equal(ModelSection.DefaultTeacher with { Dropout = 0.5 }, spec.Teachers.Model);
        Assert.Equal(new TrainingSection { Epochs = 6, BatchSize = 64 }, spec.Teachers.Training);
        Assert.Equal(ModelSection.DefaultStudent with { Kind = ModelArchitecture.Cnn }, spec.Distillation.Student);
        Assert.Equal([32, 64], spec.Distillation.Student.Channels);
    }

    /// <summary>A section written with no value (<c>specialists:</c>) means all its defaults.</summary>
    [Fact]
    public void Parse_NullSection_GivesDefaults()
    {
        Assert.Equal(new RunSpec(), RunSpecReader.Parse("specialists:\naggregation: ~\n", "yaml"));
    }

    /// <summary>The same spec in YAML and JSON reads to the same value, and to the values written.</summary>
    [Fact]
    public void Parse_YamlAndJson_GiveTheSameSpec()
    {
        var fromYaml = RunSpecReader.Parse(SpecTexts.CustomYaml, "yaml");
        var fromJson = RunSpecReader.Parse(SpecTexts.CustomJson, "JSON");

        Assert.Equal(fromYaml, fromJson);
        Assert.Equal("synth-run_2", fromYaml.Name);
        Assert.Equal("cuda:1", fromYaml.Device);
        Assert.Equal(5, fromYaml.Data.ClassCount);
        Assert.Equal(8, fromYaml.Data.Synthetic.Features);
        Assert.Equal(200, fromYaml.Data.Synthetic.TrainPerClass);
        Assert.Equal(new ModelSection { Kind = ModelArchitecture.Mlp, Hidden = [64, 32], Dropout = 0.3 }, fromYaml.Teachers.Model);
        Assert.Equal(OptimizerName.AdamW, fromYaml.Teachers.Training.Optimizer);
        Assert.Equal(ScheduleName.OneCycle, fromYaml.Teachers.Training.Schedule);
        Assert.Equal(SpecialistHead.Full, fromYaml.Specialists.Head);
        Assert.Equal(MemberWeighting.Entropy, fromYaml.Aggregation.Weighting);
        Assert.Equal(3.0, fromYaml.Distillation.StudentTemperature);
        Assert.Equal([4, 1], fromYaml.Distillation.Transfer.OmitClasses);
        Assert.False(fromYaml.Baseline);
    }

    /// <summary>Mistakes of every kind in one file are all reported, each by its exact path, in document order.</summary>
    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOneByPath()
    {
        const string text = """
            seed: 1
            device: gpu
            teachers:
              count: four
              cuont: 3
              model: {kind: cnn, dropout: 1.5}
            specialists:
              max_size: 1
            distillation:
              alpha: 2
              transfer:
                omit_classes: [3, 12]
            """;

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml"));

        Assert.Equal(
            [
                "device: expected cpu, cuda or cuda:N, got 'gpu'",
                "teachers.count: expected an integer, got 'four'",
                "teachers.cuont: unknown field; did you mean 'count'?",
                "teachers.model.dropout: must be in [0, 1)",
                "specialists.max_size: must be >= 2",
                "distillation.alpha: must be in [0, 1]",
                "distillation.transfer.omit_classes[1]: 12 is not a class index (the dataset has 10 classes, 0 to 9)",
            ],
            error.Problems.Select(p => p.ToString()));
        // Lines of the fields, so an editor can jump to them.
        Assert.Equal([2, 4, 5, 6, 8, 10, 12], error.Problems.Select(p => p.Line ?? 0));
        Assert.Equal(error.Problems.Count, error.Message.Split('\n').Length);
    }

    /// <summary>
    /// Compression is off unless written; an empty part turns it on with its defaults; a mistake in it is reported
    /// by path like any other.
    /// </summary>
    [Fact]
    public void Parse_CompressSection_IsOffUnlessWritten_EmptyPartsTakeDefaults_AndMistakesAreByPath()
    {
        Assert.False(RunSpecReader.Parse("distillation: {compress: {}}", "yaml").Distillation.Compress.IsEnabled);
        var on = RunSpecReader.Parse("distillation: {compress: {prune: {}, quantize: {calibration_examples: 64}}}", "yaml").Distillation.Compress;
        Assert.Equal(new PruneSpec(), on.Prune);
        Assert.Equal(PruningMethod.Structured, on.Prune!.Method);
        Assert.Equal(0.5, on.Prune.Sparsity);
        Assert.Equal(64, on.Quantize!.CalibrationExamples);
        Assert.Null(RunSpecReader.Parse("distillation: {compress: {prune: null}}", "yaml").Distillation.Compress.Prune);

        const string text = """
            distillation:
              compress:
                prune: {method: channels, sparsty: 0.5, sparsity: 2}
                quantize: 8
            """;
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml"));

        Assert.Equal(
            [
                "distillation.compress.prune.method: expected one of structured, unstructured, got 'channels'",
                "distillation.compress.prune.sparsty: unknown field; did you mean 'sparsity'?",
                "distillation.compress.prune.sparsity: must be in (0, 0.99]",
                "distillation.compress.quantize: expected a section of fields (calibration_examples), or null for off, got '8'",
            ],
            error.Problems.Select(p => p.ToString()));
    }

    /// <summary>Online targets and mixup are read from their words; a mistake names the field and what it accepts.</summary>
    [Fact]
    public void Parse_OnlineTargetsWithMixup_AndTheirMistakes()
    {
        var spec = RunSpecReader.Parse("distillation: {targets: online, transfer: {augmentation: shift-flip, mixup: 0.4}}", "yaml").Distillation;
        Assert.Equal(SoftTargetSource.Online, spec.Targets);
        Assert.Equal(0.4, spec.Transfer.Mixup);
        Assert.Equal(SoftTargetSource.Fixed, RunSpecReader.Parse("seed: 1", "yaml").Distillation.Targets);

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("distillation: {targets: live, transfer: {mixup: lots}}", "yaml"));
        Assert.Equal(
            [
                "distillation.targets: expected one of fixed, online, got 'live'",
                "distillation.transfer.mixup: expected a number, got 'lots'",
            ],
            error.Problems.Select(p => p.ToString()));
    }

    /// <summary>The same mistakes in JSON get the same paths, and lines from the JSON text.</summary>
    [Fact]
    public void Parse_SeveralMistakesInJson_ReportsEveryOneByPathAndLine()
    {
        const string text = """
            {
              "teachers": {"count": "four", "cuont": 3},
              "aggregation": {"method": "arithmatic"},
              "distillation": {"temperature": -1}
            }
            """;

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "json"));

        Assert.Equal(
            ["teachers.count", "teachers.cuont", "aggregation.method", "distillation.temperature"],
            error.Problems.Select(p => p.Path));
        Assert.Equal([2, 2, 3, 4], error.Problems.Select(p => p.Line ?? 0));
        // "teachers": {"count": "four" — the value starts at column 25.
        Assert.Equal(25, error.Problems[0].Column);
    }

    /// <summary>An unknown field far from any real one lists the allowed fields instead of guessing.</summary>
    [Fact]
    public void Parse_UnknownFieldWithNoNearMatch_ListsTheFields()
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("aggregation:\n  zzzzzz: 1\n", "yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("aggregation.zzzzzz: unknown field; expected one of method, weighting", problem.ToString());
        Assert.Equal((2, 3), (problem.Line, problem.Column));
    }

    /// <summary>A misspelt enum word lists the allowed words and suggests the nearest.</summary>
    [Theory]
    [InlineData("aggregation: {method: arithmatic}", "aggregation.method: expected one of arithmetic, geometric, logits, got 'arithmatic'; did you mean 'arithmetic'?")]
    [InlineData("teachers: {training: {schedule: onecycle}}", "teachers.training.schedule: expected one of constant, cosine, one-cycle, got 'onecycle'; did you mean 'one-cycle'?")]
    [InlineData("distillation: {logit_standardization: maybe}", "distillation.logit_standardization: expected one of off, on, compare, got 'maybe'")]
    [InlineData("specialists: {head: [dustbin]}", "specialists.head: expected one of dustbin, full, got a list")]
    public void Parse_EnumSpellingError_ListsAllowedValues(string text, string expected)
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml"));

        Assert.Equal(expected, Assert.Single(error.Problems).ToString());
    }

    /// <summary>Enum words are read in any case.</summary>
    [Fact]
    public void Parse_EnumWordInOtherCase_IsAccepted()
    {
        var spec = RunSpecReader.Parse("teachers: {model: {kind: MLP}, training: {augmentation: Shift-Flip}}", "yaml");

        Assert.Equal(ModelArchitecture.Mlp, spec.Teachers.Model.Kind);
        Assert.Equal(AugmentationName.ShiftFlip, spec.Teachers.Training.Augmentation);
    }

    /// <summary>Wrong types name the path, what was expected and what was found, for each kind of field.</summary>
    [Theory]
    [InlineData("teachers: {count: 2.5}", "teachers.count: expected an integer, got '2.5'")]
    [InlineData("teachers: {count: '4'}", "teachers.count: expected an integer, got the string '4' (write it without quotes)")]
    [InlineData("teachers: {count: 99999999999}", "teachers.count: expected an integer, got '99999999999'")]
    [InlineData("teachers:\n  count:\n", "teachers.count: expected an integer, got null")]
    [InlineData("teachers: {bootstrap: yes}", "teachers.bootstrap: expected true or false, got 'yes'")]
    [InlineData("distillation: {temperature: hot}", "distillation.temperature: expected a number, got 'hot'")]
    [InlineData("distillation: {temperature: 1e400}", "distillation.temperature: expected a number, got '1e400'")]
    [InlineData("distillation: {student_temperature: warm}", "distillation.student_temperature: expected a number, got 'warm'")]
    [InlineData("data: {dataset: {name: x}}", "data.dataset: expected a string, got a mapping")]
    [InlineData("device: null", "device: expected a string, got null")]
    [InlineData("teachers: {model: {hidden: 300}}", "teachers.model.hidden: expected a list such as [1, 2], got '300'")]
    [InlineData("teachers: {model: {hidden: [300, wide]}}", "teachers.model.hidden[1]: expected an integer, got 'wide'")]
    [InlineData("teachers: 4", "teachers: expected a section of fields (count, min, bootstrap, cross_fit, model, training), got '4'")]
    [InlineData("[1, 2]", "expected a mapping of fields at the top level, got a list")]
    public void Parse_WrongType_NamesPathExpectedAndFound(string text, string expected)
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml"));

        Assert.Equal(expected, Assert.Single(error.Problems).ToString());
    }

    /// <summary>In JSON a quoted number is a string, and true/false/null are their JSON selves.</summary>
    [Fact]
    public void Parse_JsonTypes_AreStrict()
    {
        const string text = """{"seed": "1", "baseline": "true", "name": null, "distillation": {"student_temperature": null}}""";

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "json"));

        Assert.Equal(
            ["seed: expected an integer, got the string '1' (write it without quotes)", "baseline: expected true or false, got the string 'true' (write it without quotes)"],
            error.Problems.Select(p => p.ToString()));
    }

    /// <summary>A field given twice is reported with both lines, in JSON and in YAML alike.</summary>
    [Fact]
    public void Parse_DuplicateField_IsAProblem()
    {
        var json = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("{\"seed\": 1,\n \"seed\": 2}", "json"));
        var yaml = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("seed: 1\nseed: 2\n", "yaml"));

        Assert.Equal("seed: duplicate field (first set on line 1)", Assert.Single(json.Problems).ToString());
        Assert.Equal((2, 2), (json.Problems[0].Line, json.Problems[0].Column));
        Assert.Equal("seed: duplicate field (first set on line 1)", Assert.Single(yaml.Problems).ToString());
        Assert.Equal((2, 1), (yaml.Problems[0].Line, yaml.Problems[0].Column));
    }

    /// <summary>A YAML syntax error gives its line and column, in the problem and in the message.</summary>
    [Fact]
    public void Parse_YamlSyntaxError_GivesLineAndColumn()
    {
        const string text = "seed: 1\nteachers:\n  model: {kind: cnn, hidden: [1, 2}\n";

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "yaml", "bad.yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("", problem.Path);
        Assert.StartsWith("syntax error: ", problem.Message);
        Assert.Equal(3, problem.Line);
        Assert.NotNull(problem.Column);
        Assert.StartsWith($"bad.yaml:3:{problem.Column}: syntax error: ", error.Message);
    }

    /// <summary>Input on which YamlDotNet fails with a non-YAML exception is still a syntax error with a line.</summary>
    [Fact]
    public void Parse_YamlParserFailure_IsASyntaxErrorWithLine()
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("seed: [1, 2\nteachers: 3\n", "yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("syntax error: ", problem.Message);
        Assert.Equal(2, problem.Line);
    }

    /// <summary>A JSON syntax error gives its 1-based line and column, without System.Text.Json's own 0-based position text.</summary>
    [Fact]
    public void Parse_JsonSyntaxError_GivesLineAndColumn()
    {
        // Line 3 is "  \"teachers\": {\"count\": 4,}": the trailing comma is the error.
        const string text = "{\n  \"seed\": 1,\n  \"teachers\": {\"count\": 4,}\n}";

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "json"));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("syntax error: ", problem.Message);
        Assert.DoesNotContain("LineNumber", problem.Message);
        Assert.DoesNotContain("reader options", problem.Message);
        Assert.Equal(3, problem.Line);
        Assert.StartsWith("line 3, column ", error.Message);
    }

    /// <summary>Empty JSON and text after the root value are syntax errors.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("{} {}")]
    [InlineData("{\"seed\": 1")]
    public void Parse_MalformedJson_IsASyntaxError(string text)
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text, "json"));

        Assert.StartsWith("syntax error: ", Assert.Single(error.Problems).Message);
    }

    /// <summary>Only one YAML document is allowed.</summary>
    [Fact]
    public void Parse_TwoYamlDocuments_IsAProblem()
    {
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("seed: 1\n---\nseed: 2\n", "yaml"));

        Assert.Equal("expected one document, found 2", Assert.Single(error.Problems).Message);
    }

    /// <summary>An unknown format is a programming error, not a spec problem.</summary>
    [Fact]
    public void Parse_UnknownFormat_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => RunSpecReader.Parse("{}", "toml"));

        Assert.Equal("format", error.ParamName);
    }

    /// <summary>A file reads by its extension; a missing file, an unknown extension and a bad file each name the file.</summary>
    [Fact]
    public void Load_ChoosesFormatByExtensionAndNamesTheFile()
    {
        string directory = Directory.CreateTempSubdirectory("ensemble-contracts-").FullName;
        try
        {
            string yaml = Path.Combine(directory, "run.YML");
            string json = Path.Combine(directory, "run.json");
            string bad = Path.Combine(directory, "bad.yaml");
            File.WriteAllText(yaml, SpecTexts.CustomYaml);
            File.WriteAllText(json, SpecTexts.CustomJson);
            File.WriteAllText(bad, "teachers:\n  count: 0\n");
            string missing = Path.Combine(directory, "missing.yaml");
            string text = Path.Combine(directory, "run.txt");

            Assert.Equal(RunSpecReader.Load(yaml), RunSpecReader.Load(json));
            Assert.Equal($"{missing}: file not found", Assert.Throws<RunSpecException>(() => RunSpecReader.Load(missing)).Message);
            Assert.Equal(
                $"{text}: unknown extension '.txt'; expected .yaml, .yml or .json",
                Assert.Throws<RunSpecException>(() => RunSpecReader.Load(text)).Message);
            var invalid = Assert.Throws<RunSpecException>(() => RunSpecReader.Load(bad));
            Assert.Equal(bad, invalid.FileName);
            Assert.Equal($"{bad}:2:3: teachers.count: must be >= 1", invalid.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A field that could not be read keeps its default, and is not range-checked again at that default.</summary>
    [Fact]
    public void Parse_UnreadField_IsNotAlsoRangeChecked()
    {
        // alpha stays at its default 0.1, which an unlabeled transfer set would reject ("must be 0"): only the type error is reported.
        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse("distillation: {alpha: half, transfer: {labeled: false}}", "yaml"));

        Assert.Equal("distillation.alpha: expected a number, got 'half'", Assert.Single(error.Problems).ToString());
    }

    /// <summary>A document of nested aliases that would expand exponentially is refused at its first anchor, not expanded.</summary>
    [Fact]
    public void Parse_AliasBomb_IsRefusedAtItsFirstAnchor()
    {
        var text = new System.Text.StringBuilder("a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
        for (int i = 1; i < 9; i++)
        {
            text.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        var error = Assert.Throws<RunSpecException>(() => RunSpecReader.Parse(text.ToString(), "yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("a0: anchors (&a0) are not supported; write the value out", problem.ToString());
        Assert.Equal((1, 5), (problem.Line, problem.Column));
    }
}
