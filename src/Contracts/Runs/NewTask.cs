namespace Ensemble.Contracts.Runs;

/// <summary>A task of a run being submitted.</summary>
/// <param name="TaskId">Unique within the run, e.g. <c>teacher/0</c>.</param>
/// <param name="Kind">What it does, e.g. <c>teacher</c> (the store gives <c>teacher</c> the quorum rule).</param>
/// <param name="Index">The member or specialist index; 0 for single tasks.</param>
/// <param name="DependsOn">Ids of tasks of the same run that must finish first.</param>
[GenerateSerializer]
public sealed record NewTask(string TaskId, string Kind, int Index, IReadOnlyList<string> DependsOn);
