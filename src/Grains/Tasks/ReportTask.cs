using System.Diagnostics;
using Ensemble.Contracts.Reports;
using Ensemble.Distillation.Ensembles;
using Ensemble.Distillation.Evaluation;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Evaluates every model and combination of the run on the test set — each teacher, the three aggregates, the
/// ensemble with its specialists, the students and the baseline — and writes <c>report.json</c> and <c>report.md</c>.
/// </summary>
public sealed class ReportTask : IRunTask
{
    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = context.Settings;
        var test = context.Data.Test;
        using var scope = NewDisposeScope();
        var labels = tensor(Array.ConvertAll(test.Labels, l => (long)l), [test.Count]);
        var evaluations = new List<ModelEvaluation>();
        using (var ensemble = new EnsembleOutputs(context, "test"))
        {
            evaluations.AddRange(ensemble.Members.Select((logits, i) => ModelEvaluation.FromLogits(ensemble.MemberIds[i], logits, labels)));
            foreach (var method in Enum.GetValues<AggregationMethod>())
            {
                using var aggregate = ensemble.Aggregate(method, 1);
                evaluations.Add(ModelEvaluation.FromLogits($"ensemble/{method.ToString().ToLowerInvariant()}", aggregate, labels));
            }

            if (ensemble.CombineWithSpecialists() is { } combined)
            {
                using (combined) evaluations.Add(ModelEvaluation.FromProbabilities("ensemble+specialists", combined, labels));
            }
        }

        foreach (var (taskId, name) in new[] { ("distill", "student"), ("distill", "student-ls") }
                     .Concat(CompressTask.Students.Select(c => ("compress", c))).Append(("baseline", "baseline")))
        {
            var path = StudentTraining.OutputsPath(context.Layout, taskId, name);
            if (!File.Exists(path)) continue;
            using var logits = ModelOutputs.Read(path, "test");
            evaluations.Add(ModelEvaluation.FromLogits(name, logits, labels));
        }

        var stages = RunPlan.Expand(settings)
            .Where(t => t.Id != task.Id && File.Exists(context.Layout.Result(t.Id)))
            .Select(t => AtomicFile.ReadJson<TaskResult>(context.Layout.Result(t.Id)))
            .Select(r => new StageReport(r.TaskId, r.Seconds, r.Skipped))
            .ToList();
        string? exported = null;
        if (File.Exists(context.Layout.Result("distill")))
        {
            AtomicFile.ReadJson<TaskResult>(context.Layout.Result("distill")).Values?.TryGetValue("exported", out exported);
        }

        var measured = File.Exists(context.Layout.Result("compress"))
            ? AtomicFile.ReadJson<TaskResult>(context.Layout.Result("compress")).Values ?? new Dictionary<string, string>()
            : new Dictionary<string, string>();
        // An ensemble costs what its members cost together (the aggregation itself is a few additions per class).
        var teachers = context.Teachers();
        IEnumerable<string> Parts(string model) => model switch
        {
            "ensemble+specialists" => teachers.Concat(context.TrainedSpecialists()),
            _ when model.StartsWith("ensemble/", StringComparison.Ordinal) => teachers,
            _ => [model],
        };
        double? Number(string model, string measure)
        {
            var parts = Parts(model).Select(m => measured.GetValueOrDefault(CompressTask.ValueName(m, measure))).ToList();
            return parts.Count > 0 && parts.All(p => p is not null)
                ? parts.Sum(p => double.Parse(p!, System.Globalization.CultureInfo.InvariantCulture))
                : null;
        }
        var models = evaluations.Select(e => new ModelReport
        {
            Name = e.Name,
            Accuracy = e.Accuracy,
            Nll = e.Nll,
            Ece = e.Ece,
            Bytes = Number(e.Name, "bytes") is { } bytes ? (long)bytes : null,
            LatencyBatch1Microseconds = Number(e.Name, CompressTask.LatencyName(1)),
            LatencyBatch64Microseconds = Number(e.Name, CompressTask.LatencyName(64)),
            Detail = CompressTask.Students.Contains(e.Name) ? Detail(e.Name, measured) : null,
            Confusion = [.. e.Confusion.Counts.Select(row => row.ToArray())],
        }).ToList();
        var report = new RunReport
        {
            Run = settings.Name,
            Dataset = settings.Data.Dataset,
            TestExamples = test.Count,
            ClassNames = test.ClassNames,
            Models = models,
            SpecialistClasses = SpecialistClasses(context, models),
            ExportedStudent = exported,
            Stages = stages,
        };
        AtomicFile.WriteJson(context.Layout.ReportJson, report);
        AtomicFile.WriteText(context.Layout.ReportMarkdown, ReportMarkdown.Write(report, evaluations));
        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Every trained specialist's classes, with each model's accuracy on the test examples of those classes (a class set the
    /// test set has no example of is left out).
    /// </summary>
    private static List<ClassGroupReport> SpecialistClasses(RunContext context, IReadOnlyList<ModelReport> models) =>
        [.. context.TrainedSpecialists().Select(id => (Id: id, Classes: SpecialistTask.RecordedClasses(context, id)!))
            .Where(s => models.Count > 0 && ClassGroupReport.AccuracyOn(models[0].Confusion!, s.Classes) is not null)
            .Select(s => new ClassGroupReport
            {
                Name = s.Id,
                Classes = s.Classes,
                Accuracy = models.ToDictionary(m => m.Name, m => ClassGroupReport.AccuracyOn(m.Confusion!, s.Classes)!.Value),
            })];

    /// <summary>How a compressed student was made: the pruning (for the pruned ones) and the quantization (for the int8 ones).</summary>
    private static string Detail(string name, IReadOnlyDictionary<string, string> measured)
    {
        var parts = new List<string>();
        if (name.StartsWith(CompressTask.Pruned, StringComparison.Ordinal) && measured.GetValueOrDefault(CompressTask.ValueName(CompressTask.Pruned, "detail")) is { } pruning)
        {
            parts.Add(pruning);
        }

        if (CompressTask.IsInt8(name))
        {
            parts.Add($"int8 QDQ (per-channel weights, uint8 activations calibrated on {measured.GetValueOrDefault("calibration_examples", "?")} transfer examples), scored by ONNX Runtime {measured.GetValueOrDefault(CompressTask.ValueName(name, "onnxruntime"), "?")}");
        }

        return string.Join("; ", parts);
    }
}
