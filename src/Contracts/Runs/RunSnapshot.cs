namespace Ensemble.Contracts.Runs;

/// <summary>A run and its tasks, read together in one turn of its grain (so the two agree).</summary>
/// <param name="Run">The run.</param>
/// <param name="Tasks">Its tasks in plan order.</param>
[GenerateSerializer]
public sealed record RunSnapshot(RunRecord Run, IReadOnlyList<TaskRecord> Tasks);
