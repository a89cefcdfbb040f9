using System.Diagnostics;
using System.Globalization;
using Ensemble.Distillation.Compression;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Export;
using Ensemble.Distillation.Models;
using Ensemble.Distillation.Training;
using Ensemble.Distillation.Transfer;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Makes the exported student smaller and faster to deploy (<c>distillation.compress</c>): magnitude pruning then
/// fine-tuning on the same soft targets (<c>student-pruned</c>), and int8 post-training quantization of the student
/// and of the pruned student (<c>student-int8</c>, <c>student-pruned-int8</c>). Every ONNX file, the float student's
/// and the ensemble members' too, is then measured in ONNX Runtime on one thread: bytes and latency per image at batch
/// 1 and 64, and the int8 students' test logits (the report's accuracy and NLL). The students' files are delivered
/// beside <c>student.onnx</c>.
/// </summary>
public sealed class CompressTask : IRunTask
{
    /// <summary>The batch sizes latency is measured at.</summary>
    public static readonly int[] LatencyBatches = [1, 64];

    /// <summary>The name of the pruned float student.</summary>
    public const string Pruned = "student-pruned";

    private const string Int8Suffix = "-int8";

    /// <summary>The names of the students this task can make, in report order.</summary>
    public static readonly IReadOnlyList<string> Students = [Pruned, Int8("student"), Int8(Pruned)];

    /// <summary>The name of <paramref name="model"/> quantized to int8: <c>student-int8</c>, <c>student-pruned-int8</c>.</summary>
    public static string Int8(string model) => model + Int8Suffix;

    /// <summary>Whether <paramref name="name"/> is an int8 student's.</summary>
    public static bool IsInt8(string name) => name.EndsWith(Int8Suffix, StringComparison.Ordinal);

    /// <summary>How long each of the five latency timings runs (after warm-up), per file and batch size.</summary>
    private static readonly TimeSpan Timing = TimeSpan.FromMilliseconds(200);

    /// <summary>The result value holding a model's measurement <paramref name="measure"/>, e.g. <c>student-int8.bytes</c>.</summary>
    public static string ValueName(string model, string measure) => $"{model}.{measure}";

    /// <summary>The measurement name of the latency at <paramref name="batch"/>, in microseconds per image.</summary>
    public static string LatencyName(int batch) => $"latency_batch{batch}_us";

    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = context.Settings;
        var compression = settings.Compression ?? throw new InvalidOperationException("the compress task runs only when distillation.compress asks for something");
        var layout = context.Layout;
        var exported = AtomicFile.ReadJson<TaskResult>(layout.Result("distill")).Values?.GetValueOrDefault("exported")
            ?? throw new InvalidDataException($"{layout.Result("distill")}: no 'exported' student");
        var values = new Dictionary<string, string> { ["exported"] = exported };
        var files = new List<(string Name, string Path)> { (exported, layout.StudentOnnx) };
        var (student, spec, exampleShape, classes) = ModelFile.Load(layout.Student, settings.Device);
        (nn.Module<Tensor, Tensor> Model, ModelSpec Spec)? pruned = null;
        try
        {
            if (compression.Prune is { } prune)
            {
                pruned = Prune(context, task, student, spec, exported, prune, values, cancellationToken);
                AtomicFile.Copy(layout.Model(task.Id, Pruned), layout.CompressedStudent(Pruned, "safetensors"));
                Export(layout.CompressedStudent(Pruned, "onnx"), stream => OnnxExporter.Export(pruned.Value.Model, pruned.Value.Spec, exampleShape, classes, stream));
                files.Add((Pruned, layout.CompressedStudent(Pruned, "onnx")));
            }

            if (compression.CalibrationExamples is int examples)
            {
                var transfer = context.Data.Transfer;
                using var calibration = new DatasetTensors(transfer.Take(Math.Min(examples, transfer.Count)), settings.Device);
                values["calibration_examples"] = calibration.Count.ToString(CultureInfo.InvariantCulture);
                foreach (var (name, model, modelSpec) in pruned is { } p ? new[] { (Int8("student"), student, spec), (Int8(Pruned), p.Model, p.Spec) } : [(Int8("student"), student, spec)])
                {
                    var inputs = ActivationCalibration.Observe(model, calibration.Features, exampleShape, cancellationToken: cancellationToken);
                    Export(layout.CompressedStudent(name, "onnx"), stream => OnnxExporter.ExportInt8(model, modelSpec, exampleShape, classes, inputs, stream));
                    files.Add((name, layout.CompressedStudent(name, "onnx")));
                }
            }
        }
        finally
        {
            student.Dispose();
            pruned?.Model.Dispose();
        }

        files.AddRange(ExportMembers(context, task.Id));
        foreach (var (name, path) in files) Measure(context, task.Id, name, path, values, cancellationToken);
        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds, Values: values);
    }

    /// <summary>
    /// The exported student pruned as asked, then distilled again for the fine-tuning epochs on the transfer views'
    /// soft targets with the exported student's loss (with or without logit standardization); saved as <see cref="Pruned"/>.
    /// Unstructured pruning keeps its mask through fine-tuning. <paramref name="student"/> is not changed.
    /// </summary>
    private static (nn.Module<Tensor, Tensor> Model, ModelSpec Spec) Prune(RunContext context, PlannedTask task, nn.Module<Tensor, Tensor> student,
        ModelSpec studentSpec, string exported, PruningSettings prune, Dictionary<string, string> values, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var data = context.Data;
        var (exampleShape, classes) = (data.Transfer.ExampleShape, data.Transfer.ClassCount);
        nn.Module<Tensor, Tensor> model;
        var spec = studentSpec;
        WeightMask? mask = null;
        if (prune.Structured)
        {
            // A new, smaller network; the student is only read.
            (model, spec) = StructuredPruning.Prune(student, studentSpec, exampleShape, classes, prune.Sparsity, settings.Device);
        }
        else
        {
            // Masked in place, so on a copy of the student.
            model = ModelFile.Load(context.Layout.Student, settings.Device).Model;
            mask = WeightMask.ByMagnitude(model, prune.Sparsity);
            mask.Apply(model);
        }

        StudentTargets? targets = null;
        var handedOver = false;
        try
        {
            targets = StudentTargets.Load(context, task.Id, cancellationToken);
            var kd = settings.Student.Distillation with { Standardize = exported == "student-ls" };
            var options = StudentTraining.Options(context, task.Id, Pruned) with { Epochs = prune.FineTuneEpochs, LearningRate = prune.LearningRate };
            var trainer = Distiller.CreateTrainer(spec, options, kd, settings.Device);
            if (mask is not null) trainer.AfterStep = mask.Apply;
            using var set = StudentTraining.CreateSet(context, targets);
            handedOver = true; // TrainAndSave disposes the model if training fails
            var (trained, accuracy) = prune.FineTuneEpochs > 0
                ? StudentTraining.TrainAndSave(context, task.Id, Pruned, trainer, set, cancellationToken, start: (model, spec))
                : (model, StudentTraining.Save(context, task.Id, Pruned, model, spec, cancellationToken));
            values[ValueName(Pruned, "validation_accuracy")] = accuracy.ToString("R", CultureInfo.InvariantCulture);
            values[ValueName(Pruned, "sparsity")] = (prune.Structured
                ? 1 - (double)spec.ParameterCount(exampleShape, classes) / studentSpec.ParameterCount(exampleShape, classes)
                : WeightMask.Sparsity(trained)).ToString("R", CultureInfo.InvariantCulture);
            values[ValueName(Pruned, "detail")] = $"{spec.Describe(exampleShape.Aggregate(1, (a, b) => a * b), classes)}, {prune.Describe()}";
            context.Progress.Report(new TaskProgress(task.Id, string.Create(CultureInfo.InvariantCulture, $"{Pruned}: validation accuracy {accuracy:P2}")));
            return (trained, spec);
        }
        catch when (!handedOver)
        {
            model.Dispose();
            throw;
        }
        finally
        {
            mask?.Dispose();
            targets?.Dispose();
        }
    }

    private static void Export(string path, Action<Stream> write) => AtomicFile.WriteStream(path, write);

    /// <summary>
    /// Every teacher and trained specialist exported to ONNX in this task's directory (not delivered), so that the
    /// report can set the student's size and latency beside what serving the ensemble itself would cost.
    /// </summary>
    private static IEnumerable<(string Name, string Path)> ExportMembers(RunContext context, string taskId)
    {
        foreach (var member in context.Teachers().Concat(context.TrainedSpecialists()))
        {
            var path = Path.Combine(context.Layout.TaskDirectory(taskId), $"{member.Replace('/', '-')}.onnx");
            var (model, spec, exampleShape, classes) = ModelFile.Load(context.Layout.Model(member), CPU);
            using (model)
            {
                Export(path, stream => OnnxExporter.Export(model, spec, exampleShape, classes, stream));
            }

            yield return (member, path);
        }
    }

    /// <summary>Runs <paramref name="path"/> in ONNX Runtime (1 thread): its test logits are saved for the report, its size and latency recorded.</summary>
    private static void Measure(RunContext context, string taskId, string name, string path, Dictionary<string, string> values, CancellationToken cancellationToken)
    {
        var test = context.Data.Test;
        using var session = new OnnxRuntimeModel(path, threads: 1);
        // Opened, not FileInfo'd: on a silo the float student is an input, a link to its blob, whose own length is the path's.
        using (var file = File.OpenRead(path)) values[ValueName(name, "bytes")] = file.Length.ToString(CultureInfo.InvariantCulture);
        foreach (var batch in LatencyBatches)
        {
            var seconds = session.SecondsPerExample(test, batch, Timing, cancellationToken: cancellationToken);
            values[ValueName(name, LatencyName(batch))] = (seconds * 1e6).ToString("R", CultureInfo.InvariantCulture);
        }

        // The float students' logits are TorchSharp's (ONNX Runtime agrees within 1e-4, tested); the int8 ones exist only here.
        if (!IsInt8(name)) return;
        var logits = session.Logits(test, cancellationToken: cancellationToken);
        ModelOutputs.SaveAndDispose(StudentTraining.OutputsPath(context.Layout, taskId, name),
            new Dictionary<string, Tensor> { ["test"] = tensor(logits, [test.Count, logits.Length / test.Count]).DetachFromDisposeScope() });
        values[ValueName(name, "onnxruntime")] = OnnxRuntimeModel.Version;
    }
}
