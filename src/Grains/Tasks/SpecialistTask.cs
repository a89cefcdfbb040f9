using System.Diagnostics;
using System.Globalization;
using Ensemble.Distillation.Data;
using Ensemble.Distillation.Evaluation;
using Ensemble.Distillation.Losses;
using Ensemble.Distillation.Specialists;
using Ensemble.Distillation.Training;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Trains specialist j on its class set (Hinton et al. 2015 §5): initialised from a generalist member, trained on
/// data half from its classes and half from the rest, with a dustbin head (the other classes folded into one,
/// its logit raised by log of the oversampling ratio afterwards) or a full softmax that learns the other classes
/// from the generalist's soft targets (§6.1). Stores its distribution over its classes plus the dustbin on every
/// transfer view, the validation split and the test set.
/// </summary>
public sealed class SpecialistTask : IRunTask
{
    /// <summary>Weight of the hard labels for a full-softmax specialist; the rest goes to the generalist's soft targets.</summary>
    private const double FullHeadAlpha = 0.5;

    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var clusters = AtomicFile.ReadJson<ClusterFile>(context.Layout.Clusters);
        if (task.Index >= clusters.Classes.Length)
        {
            context.Progress.Report(new TaskProgress(task.Id, "skipped: clustering found no class set for it"));
            return new TaskResult(task.Id, clock.Elapsed.TotalSeconds, Skipped: true);
        }

        var settings = context.Settings;
        var options = settings.Specialists;
        var data = context.Data;
        var classes = clusters.Classes[task.Index];
        var seed = settings.Seed + 1000 + task.Index;
        var teachers = context.Teachers();
        var member = teachers[task.Index % teachers.Count];
        var (generalist, spec, shape, classCount) = ModelFile.Load(context.Layout.Model(member), settings.Device);
        using var generalistModel = generalist;
        var sample = SpecialistSampler.Sample(data.TeacherTrain.Labels, classes, seed);
        var enriched = data.TeacherTrain.Subset(sample.Indices, $"{data.TeacherTrain.Name}/specialist{task.Index}");
        using var model = SpecialistModels.FromGeneralist(generalist, spec, shape, classCount, classes, options.Head, settings.Device);
        var training = options.Training with { Seed = (ulong)seed, CheckpointDirectory = context.Layout.Checkpoints(task.Id), EvaluateEachEpoch = false };
        void OnEpoch(EpochReport report) => context.Progress.Report(EpochProgress.From(task.Id, report));

        if (options.Head == SpecialistHead.Dustbin)
        {
            var mapped = new Dataset(enriched.Name, enriched.Features, enriched.ExampleShape, DustbinLabels.Map(enriched.Labels, classes), classes.Length + 1);
            using var set = TeacherTask.CreateSet(mapped, options.Augmentation, seed, settings);
            new Trainer(spec, training, settings.Device).Fit(model, set, null, OnEpoch, cancellationToken);
        }
        else
        {
            // The generalist's logits on the enriched set are the soft targets for the classes the specialist does not own.
            using var tensors = new DatasetTensors(enriched, settings.Device);
            using var targets = Evaluator.Logits(generalist, tensors, cancellationToken: cancellationToken);
            using var set = new FixedTrainingSet(tensors, targets: targets);
            var kd = settings.Student.Distillation with { Alpha = FullHeadAlpha, Standardize = false };
            new Trainer(spec, training, settings.Device, (z, y, t) => DistillationLoss.Hinton(z, t!, y, kd)).Fit(model, set, null, OnEpoch, cancellationToken);
        }

        var correction = Math.Log(sample.OversamplingRatio);
        var outputs = ModelOutputs.Compute(model, ModelOutputs.StandardSets(data), settings.Device, cancellationToken);
        foreach (var name in outputs.Keys.ToList())
        {
            using var logits = outputs[name];
            outputs[name] = SpecialistOutputs.ToDistribution(logits, classes, classCount, options.Head, correction).DetachFromDisposeScope();
        }

        ModelOutputs.SaveAndDispose(context.Layout.Outputs(task.Id), outputs, new Dictionary<string, string>
        {
            ["classes"] = string.Join(",", classes),
        });
        ModelFile.Save(context.Layout.Model(task.Id), model, spec, shape, options.Head == SpecialistHead.Dustbin ? classes.Length + 1 : classCount);
        var names = string.Join(", ", classes.Select(c => data.Test.ClassNames[c]));
        context.Progress.Report(new TaskProgress(task.Id, $"trained on {{{names}}} from {member}, {enriched.Count} examples"));
        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds, Values: new Dictionary<string, string>
        {
            ["classes"] = string.Join(",", classes),
            ["generalist"] = member,
            ["dustbin_correction"] = correction.ToString("R", CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Reads a finished specialist's class set and its distribution on <paramref name="set"/>; null when it was skipped.</summary>
    internal static SpecialistPrediction? Read(RunContext context, int index, string set) =>
        RecordedClasses(context, $"specialist/{index}") is { } classes
            ? new SpecialistPrediction(classes, ModelOutputs.Read(context.Layout.Outputs($"specialist/{index}"), set))
            : null;

    /// <summary>Loads a finished specialist's network onto <paramref name="device"/>, with what turns its logits into a distribution; null when it was skipped.</summary>
    internal static TrainedSpecialist? LoadModel(RunContext context, int index, Device device)
    {
        var id = $"specialist/{index}";
        var result = AtomicFile.ReadJson<TaskResult>(context.Layout.Result(id));
        if (ClassesOf(result) is not { } classes) return null;
        var correction = double.Parse(result.Values!["dustbin_correction"], CultureInfo.InvariantCulture);
        var model = ModelFile.Load(context.Layout.Model(id), device).Model;
        return new TrainedSpecialist(model, classes, context.Data.Transfer.ClassCount, context.Settings.Specialists.Head, correction);
    }

    /// <summary>The class set specialist <paramref name="id"/> recorded; null when it was skipped.</summary>
    internal static int[]? RecordedClasses(RunContext context, string id) => ClassesOf(AtomicFile.ReadJson<TaskResult>(context.Layout.Result(id)));

    private static int[]? ClassesOf(TaskResult result) =>
        result.Skipped ? null : result.Values!["classes"].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
}
