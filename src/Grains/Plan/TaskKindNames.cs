namespace Ensemble.Grains.Plan;

/// <summary>The names of task kinds in run state, events, metrics and the API (<c>teacher</c>, <c>cluster</c>, …).</summary>
public static class TaskKindNames
{
    /// <summary>The name of <paramref name="kind"/>: its lower-case enum name.</summary>
    public static string Of(TaskKind kind) => kind.ToString().ToLowerInvariant();
}
