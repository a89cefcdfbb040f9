namespace Ensemble.Grains.Plan;

/// <summary>One node of a run's task graph.</summary>
/// <param name="Id">Unique within the run and readable: <c>teacher/0</c>, <c>cluster</c>, <c>specialist/1</c>, <c>distill</c>.</param>
/// <param name="Kind">What the task does.</param>
/// <param name="Index">The member or specialist index; 0 for single tasks.</param>
/// <param name="DependsOn">The ids of the tasks that must finish first.</param>
public sealed record PlannedTask(string Id, TaskKind Kind, int Index, IReadOnlyList<string> DependsOn);
