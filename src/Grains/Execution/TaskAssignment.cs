using Ensemble.Contracts.Runs;

namespace Ensemble.Grains.Execution;

/// <summary>One attempt of a task, as its run grain hands it to a task grain.</summary>
/// <param name="RunId">The run.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Kind">What it does (<c>teacher</c>, …).</param>
/// <param name="Index">Member or specialist index.</param>
/// <param name="Attempt">The attempt's number (1-based).</param>
/// <param name="Fence">The attempt's fence: every write it makes names it, and the run refuses a stale one.</param>
/// <param name="SpecJson">The run's canonical spec.</param>
/// <param name="Inputs">The run's recorded artifacts when the attempt was placed.</param>
[GenerateSerializer]
public sealed record TaskAssignment(string RunId, string TaskId, string Kind, int Index, int Attempt, long Fence, string SpecJson,
    IReadOnlyList<ArtifactRecord> Inputs);
