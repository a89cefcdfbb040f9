using System.Globalization;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;

namespace Ensemble.Grains.Execution;

/// <summary>
/// Runs a run's tasks one after another in this process. A task whose <c>result.json</c> exists is done and
/// skipped (unless a task it depends on ran again), and a training task resumes from its last checkpoint, so
/// running the same run again continues it.
/// </summary>
public sealed class LocalRunner(RunContext context)
{
    /// <summary>Runs every unfinished task of <paramref name="plan"/> in order; returns how many were already done.</summary>
    public async Task<int> RunAsync(IReadOnlyList<PlannedTask> plan, CancellationToken cancellationToken)
    {
        var alreadyDone = 0;
        var ranNow = new HashSet<string>();
        foreach (var task in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var resultPath = context.Layout.Result(task.Id);
            if (File.Exists(resultPath) && !task.DependsOn.Any(ranNow.Contains))
            {
                alreadyDone++;
                context.Progress.Report(new TaskProgress(task.Id, "already done"));
                continue;
            }

            if (File.Exists(resultPath))
            {
                // Its inputs changed: its checkpoints belong to the old inputs, so it starts over.
                Directory.Delete(context.Layout.TaskDirectory(task.Id), recursive: true);
            }

            context.Progress.Report(new TaskProgress(task.Id, "started"));
            var work = TaskCatalog.For(task.Kind);
            var result = await Task.Run(() => work.Execute(task, context, cancellationToken), cancellationToken).ConfigureAwait(false);
            AtomicFile.WriteJson(resultPath, result);
            ranNow.Add(task.Id);
            var outcome = result.Skipped ? "skipped" : "done";
            context.Progress.Report(new TaskProgress(task.Id, string.Create(CultureInfo.InvariantCulture, $"{outcome} in {result.Seconds:F1} s")));
        }

        return alreadyDone;
    }
}
