using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ensemble.Contracts.Api;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains.Artifacts;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble eval MODEL --data NAME|DIR</c>: a saved model's accuracy, NLL and calibration on a dataset's test split.</summary>
public static class EvalCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "a model file written by Ensemble (.safetensors, e.g. a pulled student.safetensors)" };
        var data = new Option<string>("--data")
        {
            Description = "fashion-mnist, or a directory of IDX files (train/t10k images and labels, .gz or raw)",
            DefaultValueFactory = _ => DatasetCatalog.FashionMnistName,
        };
        var subset = new Option<int?>("--subset") { Description = "evaluate on the first N test examples only" };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: every core)" };
        var json = CliOptions.Json();
        var command = new Command("eval", "Evaluate a saved model on a dataset's test split.") { model, data, subset, threads, json };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var path = parse.GetValue(model)!;
            var dataset = parse.GetValue(data)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"MODEL: {Path.GetFullPath(path)} does not exist");
            if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"MODEL: {path} is ONNX, for deployment runtimes; evaluate the .safetensors file beside it");
            }

            TorchRuntime.EnsureLoaded();
            if (parse.GetValue(threads) is { } t)
            {
                if (t < 1) throw new ArgumentException($"--threads: must be >= 1, not {t}");
                TorchRuntime.Threads = t;
            }

            var (network, _, shape, classes) = ModelFile.Load(path);
            using (network)
            {
                var (_, test) = LoadData(dataset);
                if (parse.GetValue(subset) is { } n)
                {
                    if (n < 1) throw new ArgumentException($"--subset: must be >= 1, not {n}");
                    if (n < test.Count) test = test.Subset(Enumerable.Range(0, n).ToArray());
                }

                if (!test.ExampleShape.SequenceEqual(shape) || test.ClassCount != classes)
                {
                    throw new ArgumentException(
                        $"--data: {dataset} has {string.Join('x', test.ExampleShape)} examples of {test.ClassCount} classes; {path} expects {string.Join('x', shape)} and {classes}");
                }

                using var tensors = new DatasetTensors(test);
                using var logits = Evaluator.Logits(network, tensors);
                var result = ModelEvaluation.FromLogits(Path.GetFileNameWithoutExtension(path), logits, tensors.Labels);
                Console.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new { model = Path.GetFullPath(path), data = dataset, examples = test.Count, result.Accuracy, result.Nll, result.Ece },
                        ApiJson.Options)
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{path} on {test.Count} test examples of {dataset}: accuracy {result.Accuracy * 100:F2} %, NLL {result.Nll:F4}, ECE {result.Ece:F4}"));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static (Dataset Train, Dataset Test) LoadData(string dataset)
    {
        try
        {
            return DatasetCatalog.Load(dataset);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
        {
            throw new InvalidDataException($"--data: {e.Message}", e);
        }
    }
}
