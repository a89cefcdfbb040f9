using System.Diagnostics;
using System.Globalization;
using Ensemble.Distillation.Training;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// The control: the student's architecture trained on hard labels only, with the student's budget and on the
/// very inputs the student sees (the same transfer views, or the same augmented and mixed images every epoch, with
/// mixup's blended labels), so any difference is the soft targets' doing.
/// </summary>
public sealed class BaselineTask : IRunTask
{
    /// <inheritdoc/>
    public TaskResult Execute(PlannedTask task, RunContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var settings = context.Settings;
        var trainer = new Trainer(settings.Student.Model, StudentTraining.Options(context, task.Id, "baseline"), settings.Device);
        using var set = StudentTraining.CreateSet(context);
        var (model, accuracy) = StudentTraining.TrainAndSave(context, task.Id, "baseline", trainer, set, cancellationToken);
        model.Dispose();
        context.Progress.Report(new TaskProgress(task.Id, string.Create(CultureInfo.InvariantCulture, $"baseline: validation accuracy {accuracy:P2}")));
        return new TaskResult(task.Id, clock.Elapsed.TotalSeconds, ValidationAccuracy: accuracy);
    }
}
