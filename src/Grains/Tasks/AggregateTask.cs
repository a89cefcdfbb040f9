using System.Diagnostics;
using Ensemble.Grains.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Turns the teachers' (and specialists') outputs on every transfer view into soft-target logits: the run's
/// aggregate at the distillation temperature, or — with specialists — the eq. 5 combination, whose log
/// probabilities serve as the combined model's logits.
/// </summary>
public sealed class AggregateTask : IRunTask
{
    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = context.Settings;
        var temperature = settings.Student.Distillation.Temperature;
        var targets = new Dictionary<string, Tensor>();
        var combined = false;
        for (var v = 0; v < context.Data.TransferViews.Count; v++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = ModelOutputs.TransferView(v);
            using var ensemble = new EnsembleOutputs(context, name);
            using var outOfFold = settings.Teachers.CrossFit
                ? ensemble.OutOfFold([.. context.Data.TransferRows.Select(r => RunData.FoldOf(r, settings.Teachers.Count))])
                : null;
            if (ensemble.CombineWithSpecialists(outOfFold) is { } q)
            {
                using (q)
                {
                    // log q are logits of the combined model at T = 1; the student softens them at its own T.
                    targets[name] = q.log().DetachFromDisposeScope();
                    combined = true;
                }
            }
            else if (outOfFold is not null)
            {
                targets[name] = outOfFold.clone().DetachFromDisposeScope();
            }
            else
            {
                targets[name] = ensemble.Aggregate(settings.Aggregation, temperature).DetachFromDisposeScope();
            }
        }

        ModelOutputs.SaveAndDispose(context.Layout.Outputs(task.Id), targets, new Dictionary<string, string>
        {
            ["temperature"] = combined ? "1" : temperature.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        });
        var generalist = settings.Teachers.CrossFit ? "cross-fitted teachers" : $"{settings.Aggregation.ToString().ToLowerInvariant()} ensemble at T={temperature:0.##}";
        var what = combined ? $"{generalist} + specialists (eq. 5)" : generalist;
        // With online targets these fixed ones are only the record of what the ensemble says on the stored images.
        var use = settings.Student.OnlineTargets ? " (the students train on online targets instead)" : "";
        context.Progress.Report(new TaskProgress(task.Id, $"soft targets for {context.Data.TransferViews.Count} view(s) of {context.Data.Transfer.Count} examples: {what}{use}"));
        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds);
    }
}
