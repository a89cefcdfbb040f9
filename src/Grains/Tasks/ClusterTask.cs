using System.Diagnostics;
using Ensemble.Distillation.Ensembles;
using Ensemble.Distillation.Specialists;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Fixes the specialists' class sets from the generalist (the teachers' arithmetic ensemble) on held-out data:
/// confusable classes go together (Hinton et al. 2015 §5).
/// </summary>
public sealed class ClusterTask : IRunTask
{
    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = context.Settings;
        var specialists = settings.Specialists;
        using var scope = NewDisposeScope();
        var members = context.Teachers().Select(id => ModelOutputs.Read(context.Layout.Outputs(id), "validation")).ToList();
        var generalist = SoftTargetAggregator.Probabilities(SoftTargetAggregator.Aggregate(members, AggregationMethod.Arithmetic, 1), 1);
        var labels = tensor(Array.ConvertAll(context.Data.Validation.Labels, l => (long)l), [context.Data.Validation.Count]);
        var sets = ClassClusterer.Cluster(generalist, labels, specialists.Clustering, specialists.Count, specialists.MaxSize, settings.Seed);
        foreach (var m in members) m.Dispose();
        var names = context.Data.Test.ClassNames;
        AtomicFile.WriteJson(context.Layout.Clusters, new ClusterFile([.. sets],
            [.. sets.Select(s => string.Join(", ", s.Select(c => names[c])))]));
        var described = sets.Count == 0 ? "no confusable classes" : string.Join("; ", sets.Select(s => "{" + string.Join(", ", s.Select(c => names[c])) + "}"));
        context.Progress.Report(new TaskProgress(task.Id, $"{sets.Count} class sets: {described}"));
        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds);
    }
}
