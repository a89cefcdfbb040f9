using Ensemble.Contracts.Runs;
using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Runs;

/// <summary>Checks a <see cref="NewRun"/> before any store writes it, so a bad graph is never stored.</summary>
internal static class NewRunValidator
{
    /// <summary>The kinds a task may have: those a task grain runs (<see cref="TaskKindNames"/>).</summary>
    private static readonly HashSet<string> Kinds = [.. Enum.GetValues<TaskKind>().Select(TaskKindNames.Of)];

    /// <summary>Throws when <paramref name="run"/> is not a storable run.</summary>
    /// <exception cref="ArgumentException">
    /// A field is empty or out of range, the run id holds a <c>/</c>, a kind is unknown, a task id repeats, or a dependency is unknown or comes later.
    /// </exception>
    public static void Validate(NewRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (string.IsNullOrWhiteSpace(run.RunId)) throw new ArgumentException("NewRun.RunId is empty", nameof(run));
        // A task grain's key is run-id/task-id, read back at the first '/'.
        if (run.RunId.Contains('/', StringComparison.Ordinal)) throw new ArgumentException($"NewRun.RunId '{run.RunId}' holds a '/'", nameof(run));
        if (run.Tasks is null || run.Tasks.Count == 0) throw new ArgumentException($"run '{run.RunId}': NewRun.Tasks is empty", nameof(run));
        if (run.MaxAttempts < 1)
        {
            throw new ArgumentException($"run '{run.RunId}': NewRun.MaxAttempts is {run.MaxAttempts}; it must be at least 1", nameof(run));
        }

        if (run.TeachersMin < 0)
        {
            throw new ArgumentException($"run '{run.RunId}': NewRun.TeachersMin is {run.TeachersMin}; it must not be negative", nameof(run));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < run.Tasks.Count; i++)
        {
            var task = run.Tasks[i];
            if (string.IsNullOrWhiteSpace(task.TaskId)) throw new ArgumentException($"run '{run.RunId}': Tasks[{i}].TaskId is empty", nameof(run));
            if (string.IsNullOrWhiteSpace(task.Kind)) throw new ArgumentException($"run '{run.RunId}': task '{task.TaskId}' has an empty Kind", nameof(run));
            if (!Kinds.Contains(task.Kind))
            {
                // No task grain would run it: the run would stay queued for ever.
                throw new ArgumentException(
                    $"run '{run.RunId}': task '{task.TaskId}' has the unknown Kind '{task.Kind}' (known: {string.Join(", ", Kinds.Order(StringComparer.Ordinal))})",
                    nameof(run));
            }
            foreach (var dependency in task.DependsOn)
            {
                if (!seen.Contains(dependency))
                {
                    throw new ArgumentException(
                        $"run '{run.RunId}': task '{task.TaskId}' depends on '{dependency}', which is not an earlier task of the run", nameof(run));
                }
            }

            if (task.DependsOn.Distinct(StringComparer.Ordinal).Count() != task.DependsOn.Count)
            {
                throw new ArgumentException($"run '{run.RunId}': task '{task.TaskId}' lists a dependency twice", nameof(run));
            }

            if (!seen.Add(task.TaskId)) throw new ArgumentException($"run '{run.RunId}': task id '{task.TaskId}' appears twice", nameof(run));
        }
    }
}
