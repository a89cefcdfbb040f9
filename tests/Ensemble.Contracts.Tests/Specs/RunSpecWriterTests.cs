using Ensemble.Contracts.Specs;

namespace Ensemble.Contracts.Tests.Specs;

/// <summary>Tests for <see cref="RunSpecWriter"/>: canonical output that reads back equal.</summary>
public sealed class RunSpecWriterTests
{
    /// <summary>Specs that differ from the defaults in every section, including odd strings and extreme numbers.</summary>
    public static TheoryData<RunSpec> Specs() =>
    [
        new RunSpec(),
        RunSpecReader.Parse(SpecTexts.CustomYaml, "yaml"),
        new RunSpec
        {
            Name = "123",
            Device = "cuda",
            Data = new DataSpec { Dataset = "/data/my set: \"quoted\" \\ é\ttab #1", TestSubset = 3 },
            Teachers = new TeachersSpec { Model = ModelSection.DefaultTeacher with { Channels = [8] }, Training = new TrainingSection { WeightDecay = 1e-5, LearningRate = 0.1 + 0.2 } },
            Distillation = new DistillationSpec { Temperature = 1e-300, StudentTemperature = 20, Transfer = new TransferSpec { OmitClasses = [0, 9], BiasCorrection = true } },
        },
        new RunSpec { Data = new DataSpec { Dataset = "off" }, Distillation = new DistillationSpec { LogitStandardization = LogitStandardizationMode.On } },
        new RunSpec
        {
            Distillation = new DistillationSpec
            {
                Compress = new CompressSpec
                {
                    Prune = new PruneSpec { Method = PruningMethod.Unstructured, Sparsity = 0.8, FineTuneEpochs = 0, LearningRate = 0.002 },
                    Quantize = new QuantizeSpec { CalibrationExamples = 7 },
                },
            },
        },
    ];

    /// <summary>Write, parse, and the spec is equal; writing again gives the same text (the form is canonical).</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public void RoundTrip_Yaml_GivesAnEqualSpec(RunSpec spec)
    {
        string yaml = RunSpecWriter.ToYaml(spec);
        var read = RunSpecReader.Parse(yaml, "yaml");

        Assert.Equal(spec, read);
        Assert.Equal(yaml, RunSpecWriter.ToYaml(read));
    }

    /// <summary>The same for JSON; and the YAML and JSON of one spec read to the same spec.</summary>
    [Theory]
    [MemberData(nameof(Specs))]
    public void RoundTrip_Json_GivesAnEqualSpec(RunSpec spec)
    {
        string json = RunSpecWriter.ToJson(spec);
        var read = RunSpecReader.Parse(json, "json");

        Assert.Equal(spec, read);
        Assert.Equal(json, RunSpecWriter.ToJson(read));
        Assert.Equal(RunSpecReader.Parse(RunSpecWriter.ToYaml(spec), "yaml"), read);
    }

    /// <summary>The YAML of the defaults, in full: every field is written, snake_case, in a fixed order.</summary>
    [Fact]
    public void ToYaml_Defaults_WritesEveryField()
    {
        const string expected = """
            name: null
            seed: 1
            device: cpu
            data:
              dataset: fashion-mnist
              train_subset: 0
              test_subset: 0
              validation_fraction: 0.1
              synthetic:
                group_sizes: [3, 3, 2, 2]
                features: 32
                train_per_class: 200
                test_per_class: 100
                group_separation: 6.0
                class_separation: 1.5
                noise: 1.0
            teachers:
              count: 4
              min: null
              bootstrap: false
              cross_fit: false
              model:
                kind: cnn
                hidden: [1200, 1200]
                channels: [32, 64]
                fc_hidden: 128
                dropout: 0.3
              training:
                epochs: 6
                batch_size: 128
                learning_rate: 0.05
                schedule: cosine
                optimizer: sgd
                momentum: 0.9
                nesterov: false
                weight_decay: 0.0005
                augmentation: none
            specialists:
              count: 0
              max_size: 4
              clustering: confusion
              head: dustbin
              top_n: 3
              training:
                epochs: 3
                batch_size: 128
                learning_rate: 0.05
                schedule: cosine
                optimizer: sgd
                momentum: 0.9
                nesterov: false
                weight_decay: 0.0005
                augmentation: none
            aggregation:
              method: arithmetic
              weighting: uniform
            distillation:
              student:
                kind: mlp
                hidden: [300]
                channels: [32, 64]
                fc_hidden: 128
                dropout: 0.0
              training:
                epochs: 20
                batch_size: 128
                learning_rate: 0.05
                schedule: cosine
                optimizer: sgd
                momentum: 0.9
                nesterov: false
                weight_decay: 0.0005
                augmentation: none
              temperature: 2.0
              student_temperature: null
              alpha: 0.5
              logit_standardization: "off"
              targets: fixed
              transfer:
                fraction: 1.0
                labeled: true
                labeled_fraction: 1.0
                omit_classes: []
                bias_correction: false
                views: 1
                augmentation: shift
                mixup: 0.0
              compress:
                prune: null
                quantize: null
            baseline: true

            """;

        Assert.Equal(expected.ReplaceLineEndings("\n"), RunSpecWriter.ToYaml(new RunSpec()));
    }

    /// <summary>JSON output: snake_case keys, enums as words, numbers as numbers, null as null.</summary>
    [Fact]
    public void ToJson_WritesWordsNumbersAndNulls()
    {
        string json = RunSpecWriter.ToJson(new RunSpec { Seed = 3 });

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("name").ValueKind);
        Assert.Equal(3, root.GetProperty("seed").GetInt32());
        Assert.Equal("cnn", root.GetProperty("teachers").GetProperty("model").GetProperty("kind").GetString());
        Assert.Equal(0.0005, root.GetProperty("teachers").GetProperty("training").GetProperty("weight_decay").GetDouble());
        Assert.Equal("off", root.GetProperty("distillation").GetProperty("logit_standardization").GetString());
        Assert.Equal(9, root.EnumerateObject().Count());
        Assert.Contains("\n  \"seed\": 3,\n", json);
        Assert.Contains("\n      \"group_sizes\": [3, 3, 2, 2],\n", json);
        Assert.Contains("\n      \"omit_classes\": [],\n", json);
    }

    /// <summary>Save and Load pick the format from the extension.</summary>
    [Fact]
    public void Save_ThenLoad_GivesAnEqualSpec()
    {
        string directory = Directory.CreateTempSubdirectory("ensemble-contracts-").FullName;
        try
        {
            var spec = RunSpecReader.Parse(SpecTexts.CustomYaml, "yaml");
            foreach (string name in new[] { "a.yaml", "a.json" })
            {
                string path = Path.Combine(directory, name);
                RunSpecWriter.Save(spec, path);
                Assert.Equal(spec, RunSpecReader.Load(path));
            }

            Assert.StartsWith("{", File.ReadAllText(Path.Combine(directory, "a.json")));
            Assert.Throws<ArgumentException>(() => RunSpecWriter.Save(spec, Path.Combine(directory, "a.toml")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
