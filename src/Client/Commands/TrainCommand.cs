using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Runtime;
using Ensemble.Distillation.Training;
using Ensemble.Grains.Artifacts;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble train</c>: trains one network on a dataset and reports every epoch.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "mlp or cnn", DefaultValueFactory = _ => "mlp" };
        model.AcceptOnlyFromAmong("mlp", "cnn");
        var hidden = new Option<string?>("--hidden") { Description = "MLP hidden widths, comma-separated (default 1200,1200)" };
        var dropout = new Option<double?>("--dropout") { Description = "dropout after hidden layers (default: mlp 0.2, cnn 0.3)" };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "examples per step", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "base learning rate", DefaultValueFactory = _ => 0.05 };
        var schedule = new Option<string>("--schedule") { Description = "cosine, onecycle or constant", DefaultValueFactory = _ => "cosine" };
        schedule.AcceptOnlyFromAmong("cosine", "onecycle", "constant");
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or adamw", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adamw");
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 (sgd) or decoupled (adamw) weight decay", DefaultValueFactory = _ => 5e-4 };
        var data = new Option<string>("--data") { Description = "fashion-mnist, or a directory of IDX files", DefaultValueFactory = _ => "fashion-mnist" };
        var subset = new Option<int?>("--subset") { Description = "train on the first N training examples only" };
        var testSubset = new Option<int?>("--test-subset") { Description = "evaluate on the first N test examples only" };
        var seed = new Option<ulong>("--seed") { Description = "seeds initialisation, data order and dropout", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: every core)" };
        var device = new Option<string>("--device") { Description = "cpu or cuda:N", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out") { Description = "write the trained weights here (safetensors)" };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "checkpoint directory; a run that finds checkpoints there resumes" };
        var noEval = new Option<bool>("--no-eval") { Description = "evaluate only after the last epoch" };
        var json = new Option<bool>("--json") { Description = "one JSON object per epoch on stdout" };

        var command = new Command("train", "Train one network with cross-entropy and report loss, samples/s and test accuracy per epoch.")
        {
            model, hidden, dropout, epochs, batchSize, lr, schedule, optimizer, weightDecay, data, subset, testSubset,
            seed, threads, device, output, checkpoints, noEval, json,
        };

        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(() =>
        {
            var kind = parse.GetValue(model) == "cnn" ? ModelKind.Cnn : ModelKind.Mlp;
            var spec = kind == ModelKind.Cnn ? ModelSpec.DefaultCnn : ModelSpec.DefaultMlp;
            return new TrainRequest
            {
                Spec = spec with
                {
                    Hidden = ParseWidths(parse.GetValue(hidden)) ?? spec.Hidden,
                    Dropout = parse.GetValue(dropout) ?? spec.Dropout,
                },
                Options = new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    LearningRate = parse.GetValue(lr),
                    Schedule = parse.GetValue(schedule) switch { "onecycle" => ScheduleKind.OneCycle, "constant" => ScheduleKind.Constant, _ => ScheduleKind.Cosine },
                    Optimizer = parse.GetValue(optimizer) == "adamw" ? OptimizerKind.AdamW : OptimizerKind.Sgd,
                    WeightDecay = parse.GetValue(weightDecay),
                    Seed = parse.GetValue(seed),
                    EvaluateEachEpoch = !parse.GetValue(noEval),
                    CheckpointDirectory = parse.GetValue(checkpoints),
                },
                Data = parse.GetValue(data)!,
                Subset = parse.GetValue(subset),
                TestSubset = parse.GetValue(testSubset),
                Threads = parse.GetValue(threads) ?? Environment.ProcessorCount,
                Device = parse.GetValue(device)!,
                Output = parse.GetValue(output),
                Json = parse.GetValue(json),
            };
        }, cancellationToken)));
        return command;
    }

    private static int[]? ParseWidths(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w > 0
                ? w
                : throw new ArgumentException($"--hidden: '{s}' is not a positive width"))
            .ToArray();
    }

    private sealed record TrainRequest
    {
        public required ModelSpec Spec { get; init; }
        public required TrainingOptions Options { get; init; }
        public required string Data { get; init; }
        public int? Subset { get; init; }
        public int? TestSubset { get; init; }
        public int Threads { get; init; }
        public required string Device { get; init; }
        public string? Output { get; init; }
        public bool Json { get; init; }
    }

    private static int Run(Func<TrainRequest> parse, CancellationToken cancellationToken) => CommandErrors.Guard(() =>
    {
        var request = parse();
        if (request.Threads < 1) throw new ArgumentException($"--threads: must be ≥ 1, not {request.Threads}");
        if (request.Subset is < 1) throw new ArgumentException($"--subset: must be ≥ 1, not {request.Subset}");
        if (request.TestSubset is < 1) throw new ArgumentException($"--test-subset: must be ≥ 1, not {request.TestSubset}");
        if (request.Output is { } outPath) EnsureWritable(outPath);
        var device = TorchRuntime.ParseDevice(request.Device);
        TorchRuntime.Threads = request.Threads;
        var trainer = new Trainer(request.Spec, request.Options, device);

        var (train, test) = DatasetCatalog.Load(request.Data);
        if (request.Subset is { } n && n < train.Count) train = train.Take(n);
        if (request.TestSubset is { } m && m < test.Count) test = test.Take(m);
        using var trainTensors = new DatasetTensors(train, device);
        using var testTensors = new DatasetTensors(test, device);
        using var network = trainer.CreateModel(train);
        if (!request.Json)
        {
            Console.WriteLine($"{request.Spec.Describe(train.FeatureCount, train.ClassCount)}: {network.parameters().Sum(p => p.numel()):N0} parameters; " +
                              $"{train.Count} training and {test.Count} test examples of {request.Data}; {TorchRuntime.Describe(device)}");
        }

        trainer.Fit(network, trainTensors, testTensors, report => Print(report, request.Json), cancellationToken);
        if (request.Output is { } path)
        {
            // The same file a run writes, so ensemble eval (and anything reading Ensemble models) can load it.
            ModelFile.Save(path, network, request.Spec, train.ExampleShape, train.ClassCount);
            if (!request.Json) Console.WriteLine($"weights written to {path}");
        }

        return ExitCodes.Success;
    });

    private static void EnsureWritable(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"--out: directory {directory} does not exist");
    }

    private static void Print(EpochReport r, bool json)
    {
        if (json)
        {
            var line = new Dictionary<string, object?>
            {
                ["epoch"] = r.Epoch,
                ["loss"] = Math.Round(r.Loss, 6),
                ["samples_per_second"] = Math.Round(r.SamplesPerSecond, 1),
                ["seconds"] = Math.Round(r.Seconds, 3),
                ["learning_rate"] = r.LearningRate,
            };
            if (r.TestAccuracy is { } acc) line["test_accuracy"] = Math.Round(acc, 6);
            if (r.TestNll is { } nll) line["test_nll"] = Math.Round(nll, 6);
            Console.WriteLine(JsonSerializer.Serialize(line));
            return;
        }

        var test = r.TestAccuracy is { } a ? $"  test accuracy {a * 100:F2}%  test nll {r.TestNll:F4}" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {r.Epoch}/{r.Epochs}  loss {r.Loss:F4}  {r.SamplesPerSecond:F0} samples/s  lr {r.LearningRate:G3}{test}"));
    }
}
