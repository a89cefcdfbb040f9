namespace Ensemble.Silo.Store;

/// <summary>A task as stored.</summary>
/// <param name="RunId">Its run.</param>
/// <param name="TaskId">Its id within the run.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Index">Member or specialist index.</param>
/// <param name="State">Where it is.</param>
/// <param name="Attempt">Attempts started so far (0 before the first claim).</param>
/// <param name="MaxAttempts">Attempts allowed.</param>
/// <param name="Fence">Fencing token: bumped by every claim; only the holder of the current one may write.</param>
/// <param name="LeaseOwner">The silo holding the lease, while running.</param>
/// <param name="LeaseExpiresAt">When the lease lapses unless renewed, while running.</param>
/// <param name="NotBefore">Earliest next claim (retry back-off), when ready.</param>
/// <param name="ProgressJson">The last progress the running attempt reported (JSON), if any.</param>
/// <param name="ResultJson">The result recorded at completion (JSON), if succeeded.</param>
/// <param name="Error">The last attempt's error, if one failed.</param>
/// <param name="StartedAt">When the current or last attempt was claimed.</param>
/// <param name="FinishedAt">When it reached a final state.</param>
/// <param name="DependsOn">Its dependencies.</param>
public sealed record TaskRecord(string RunId, string TaskId, string Kind, int Index, TaskState State, int Attempt, int MaxAttempts,
    long Fence, string? LeaseOwner, DateTimeOffset? LeaseExpiresAt, DateTimeOffset? NotBefore, string? ProgressJson, string? ResultJson,
    string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IReadOnlyList<string> DependsOn);
