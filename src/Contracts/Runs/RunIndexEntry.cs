namespace Ensemble.Contracts.Runs;

/// <summary>What the run index keeps of one run: enough to list runs and count runs and tasks without waking every run grain.</summary>
/// <param name="RunId">The run.</param>
/// <param name="CreatedAt">When it was submitted (listing order).</param>
/// <param name="State">Its state.</param>
/// <param name="Tasks">Its tasks by kind and state.</param>
[GenerateSerializer]
public sealed record RunIndexEntry(string RunId, DateTimeOffset CreatedAt, RunState State, IReadOnlyList<TaskCount> Tasks);
