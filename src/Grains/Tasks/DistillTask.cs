using System.Diagnostics;
using System.Globalization;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using Ensemble.Distillation.Export;
using Ensemble.Distillation.Transfer;
using Ensemble.Distillation.Training;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Trains the distilled student(s) on the transfer views and their fixed soft targets, or on fresh augmented and mixed
/// images every epoch with targets the stored teachers compute on them (online): <c>student</c> (Hinton's loss),
/// <c>student-ls</c> (the same on standardized logits), or both; corrects omitted classes' bias when asked;
/// exports the better one by validation accuracy as the run's student (<c>student.safetensors</c> and <c>student.onnx</c>).
/// </summary>
public sealed class DistillTask : IRunTask
{
    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = context.Settings;
        var student = settings.Student;
        using var targets = StudentTargets.Load(context, task.Id, cancellationToken);
        var variants = student.Standardization switch
        {
            StandardizationMode.Off => new[] { ("student", false) },
            StandardizationMode.On => [("student-ls", true)],
            _ => [("student", false), ("student-ls", true)],
        };
        var values = new Dictionary<string, string>();
        string? best = null;
        var bestAccuracy = double.NegativeInfinity;
        foreach (var (name, standardize) in variants)
        {
            var kd = student.Distillation with { Standardize = standardize };
            var trainer = Distiller.CreateTrainer(student.Model, StudentTraining.Options(context, task.Id, name), kd, settings.Device);
            using var set = StudentTraining.CreateSet(context, targets);
            var (model, accuracy) = StudentTraining.TrainAndSave(context, task.Id, name, trainer, set, cancellationToken,
                model => CorrectOmittedClasses(context, model, values, name));
            model.Dispose();
            values[$"{name}_validation_accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture);
            context.Progress.Report(new TaskProgress(task.Id, string.Create(CultureInfo.InvariantCulture, $"{name}: validation accuracy {accuracy:P2}")));
            if (accuracy > bestAccuracy) (best, bestAccuracy) = (name, accuracy);
        }

        AtomicFile.Copy(context.Layout.Model(task.Id, best!), context.Layout.Student);
        ExportOnnx(context.Layout.Student, context.Layout.StudentOnnx);
        values["exported"] = best!;
        if (targets.Online is { } online)
        {
            values["target_forward_seconds"] = online.ForwardSeconds.ToString("R", CultureInfo.InvariantCulture);
            values["target_epochs_computed"] = online.EpochsComputed.ToString(CultureInfo.InvariantCulture);
            context.Progress.Report(new TaskProgress(task.Id, string.Create(CultureInfo.InvariantCulture,
                $"online targets: {online.EpochsComputed} epoch(s) through {online.Networks} teacher network(s) in {online.ForwardSeconds:F1} s, {online.EpochsReused} epoch(s) reused")));
        }

        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds, ValidationAccuracy: bestAccuracy, Values: values);
    }

    /// <summary>Writes the exported student again as ONNX, rebuilt on the CPU from its file, for runtimes without libtorch.</summary>
    private static void ExportOnnx(string student, string onnx)
    {
        var (model, spec, exampleShape, classes) = ModelFile.Load(student, CPU);
        using (model)
        {
            AtomicFile.WriteStream(onnx, stream => OnnxExporter.Export(model, spec, exampleShape, classes, stream));
        }
    }

    /// <summary>Hinton §3: raise the bias of classes the transfer set left out, fitted on the validation split against the teachers.</summary>
    private static void CorrectOmittedClasses(RunContext context, nn.Module<Tensor, Tensor> model, Dictionary<string, string> values, string name)
    {
        var transfer = context.Settings.Student.Transfer;
        if (transfer.OmitClasses.Length == 0 || !transfer.BiasCorrection) return;
        using var ensemble = new EnsembleOutputs(context, "validation");
        using var teacher = ensemble.Aggregate(context.Settings.Aggregation, 1);
        using var validation = new DatasetTensors(context.Data.Validation, context.Settings.Device);
        using var logits = Evaluator.Logits(model, validation);
        using var cpuLogits = logits.cpu();
        var bias = OmittedClassBias.Fit(cpuLogits, teacher, transfer.OmitClasses);
        OmittedClassBias.Apply(model, transfer.OmitClasses, bias);
        values[$"{name}_omitted_bias"] = bias.ToString("R", CultureInfo.InvariantCulture);
        context.Progress.Report(new TaskProgress("distill", string.Create(CultureInfo.InvariantCulture,
            $"{name}: raised the bias of omitted classes [{string.Join(", ", transfer.OmitClasses)}] by {bias:F2}")));
    }
}
