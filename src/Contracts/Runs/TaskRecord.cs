namespace Ensemble.Contracts.Runs;

/// <summary>A task as its run records it.</summary>
/// <param name="RunId">Its run.</param>
/// <param name="TaskId">Its id within the run.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Index">Member or specialist index.</param>
/// <param name="State">Where it is.</param>
/// <param name="Attempt">Attempts started so far (0 before the first start); an attempt handed back by a draining silo does not count.</param>
/// <param name="MaxAttempts">Attempts allowed.</param>
/// <param name="Fence">Bumped by every start: only the attempt holding the current one may write (a stale one is refused).</param>
/// <param name="Silo">The silo running it, while running.</param>
/// <param name="NotBefore">Earliest next start (retry back-off), when ready.</param>
/// <param name="ProgressJson">The last progress the running attempt reported (JSON), if any.</param>
/// <param name="ResultJson">The result recorded at completion (JSON), if succeeded.</param>
/// <param name="Error">The last attempt's error, if one failed.</param>
/// <param name="StartedAt">When the current or last attempt started.</param>
/// <param name="FinishedAt">When it reached a final state.</param>
/// <param name="DependsOn">Its dependencies.</param>
/// <param name="Excused">A teacher that failed for good while the run kept its quorum: its dependents go on without it.</param>
[GenerateSerializer]
public sealed record TaskRecord(string RunId, string TaskId, string Kind, int Index, TaskState State, int Attempt, int MaxAttempts,
    long Fence, string? Silo, DateTimeOffset? NotBefore, string? ProgressJson, string? ResultJson,
    string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IReadOnlyList<string> DependsOn, bool Excused = false);
