using Ensemble.Grains.Plan;

namespace Ensemble.Grains.Execution;

/// <summary>The grain of each task kind, and the key of a run's task.</summary>
public static class TaskGrainTypes
{
    /// <summary>The grain that runs task <paramref name="taskId"/> (a <paramref name="kind"/>) of <paramref name="runId"/>.</summary>
    public static ITaskGrain For(IGrainFactory grains, string kind, string runId, string taskId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var key = Key(runId, taskId);
        return Enum.Parse<TaskKind>(kind, ignoreCase: true) switch
        {
            TaskKind.Teacher => grains.GetGrain<ITeacherGrain>(key),
            TaskKind.Cluster => grains.GetGrain<IClusterGrain>(key),
            TaskKind.Specialist => grains.GetGrain<ISpecialistGrain>(key),
            TaskKind.Aggregate => grains.GetGrain<IAggregatorGrain>(key),
            TaskKind.Distill => grains.GetGrain<IDistillerGrain>(key),
            TaskKind.Baseline => grains.GetGrain<IBaselineGrain>(key),
            TaskKind.Compress => grains.GetGrain<ICompressorGrain>(key),
            TaskKind.Report => grains.GetGrain<IReportGrain>(key),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown task kind"),
        };
    }

    /// <summary>The grain key of a run's task: <c>run-id/task-id</c> (run ids never hold <c>/</c>; task ids may).</summary>
    public static string Key(string runId, string taskId) => $"{runId}/{taskId}";

    /// <summary>The run and task of a grain key made by <see cref="Key"/>.</summary>
    public static (string RunId, string TaskId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1) throw new FormatException($"task grain key '{key}' is not run-id/task-id");
        return (key[..slash], key[(slash + 1)..]);
    }
}
