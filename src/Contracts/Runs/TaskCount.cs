namespace Ensemble.Contracts.Runs;

/// <summary>How many tasks of one kind are in one state (metrics).</summary>
/// <param name="Kind">The task kind (<c>teacher</c>, …).</param>
/// <param name="State">The state.</param>
/// <param name="Count">How many.</param>
[GenerateSerializer]
public sealed record TaskCount(string Kind, TaskState State, int Count);
