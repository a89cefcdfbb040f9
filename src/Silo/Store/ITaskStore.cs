namespace Ensemble.Silo.Store;

/// <summary>
/// The durable state of the cluster: runs, their task graphs, leases with fencing tokens, artifacts, events and
/// silos. Every state change is one transaction; every write on behalf of a task names its <see cref="TaskLease"/>
/// and is refused (changing nothing) unless the task is still running under that lease's fence.
/// Implementations: SQLite (embedded default) and PostgreSQL (cluster); one conformance suite covers both.
/// </summary>
public interface ITaskStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema to the version this code knows; safe when several silos start at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>True when the store answers a trivial query.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Stores a run and its tasks (those without dependencies ready) and a <c>run-submitted</c> event.</summary>
    /// <exception cref="InvalidOperationException">A run with that id exists.</exception>
    Task<RunRecord> CreateRunAsync(NewRun run, CancellationToken cancellationToken);

    /// <summary>The run, or null when there is none with that id.</summary>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The newest runs first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The run's tasks in plan order (empty for an unknown run).</summary>
    Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Tasks of every run by (kind, state), for metrics.</summary>
    Task<IReadOnlyDictionary<(string Kind, TaskState State), int>> CountTasksAsync(CancellationToken cancellationToken);

    /// <summary>Runs by state, for metrics (states without runs are absent).</summary>
    Task<IReadOnlyDictionary<RunState, int>> CountRunsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a run that has not finished: it and its unfinished tasks become cancelled, so running attempts
    /// learn it at their next renewal. Returns the run as it now is; null for an unknown id. A finished run is
    /// returned unchanged.
    /// </summary>
    Task<RunRecord?> CancelRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the oldest claimable task (ready, back-off passed, run not finished; runs in submission order,
    /// tasks in plan order) for <paramref name="siloId"/>: running, attempt + 1, fence + 1, leased for
    /// <paramref name="leaseDuration"/>. Null when none is claimable. In PostgreSQL the row is taken with
    /// <c>FOR UPDATE SKIP LOCKED</c>, so concurrent claimers never get the same task.
    /// </summary>
    Task<TaskClaim?> ClaimAsync(string siloId, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Extends a held lease by <paramref name="leaseDuration"/> from now; says when it is lost or the run cancelled.</summary>
    Task<LeaseStatus> RenewAsync(TaskLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="lease"/> is still held (changes nothing).</summary>
    Task<LeaseStatus> CheckLeaseAsync(TaskLease lease, CancellationToken cancellationToken);

    /// <summary>Records the running attempt's latest progress and a <c>task-progress</c> event; false (nothing written) when the lease is not held.</summary>
    Task<bool> ReportProgressAsync(TaskLease lease, string progressJson, string message, CancellationToken cancellationToken);

    /// <summary>
    /// Records an artifact the lease holder has made durable (replacing one of the same name). False, and
    /// nothing changed, when the lease is not held.
    /// </summary>
    Task<bool> RecordArtifactAsync(TaskLease lease, ArtifactRecord artifact, CancellationToken cancellationToken);

    /// <summary>
    /// Completes the task in one transaction: records its artifacts and result, marks it succeeded, makes each
    /// dependent whose dependencies are now all finished ready, and marks the run succeeded when nothing is left.
    /// False, and nothing changed, when the lease is not held (stale fence, expired and taken, cancelled).
    /// </summary>
    Task<bool> CompleteAsync(TaskLease lease, TaskCompletion completion, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed attempt: ready again after the back-off while attempts remain; otherwise failed, and
    /// either excused (a teacher, with at least the run's quorum of teachers not failed: its dependents go on
    /// without it) or failing the run (its unfinished tasks cancelled).
    /// </summary>
    Task<FailureOutcome> FailAsync(TaskLease lease, string error, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a running task back without counting the attempt (a silo shutting down): ready at once, so
    /// another silo takes it within a poll instead of after the lease lapses. False when the lease is not held.
    /// </summary>
    Task<bool> ReleaseAsync(TaskLease lease, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Treats every running task whose lease has lapsed (or, with <paramref name="siloId"/>, every task that silo
    /// holds, as when it restarts) as a failed attempt (<c>lease-expired</c> event, then the
    /// <see cref="FailAsync"/> rules). Returns how many leases expired.
    /// </summary>
    Task<int> ExpireLeasesAsync(string? siloId, CancellationToken cancellationToken);

    /// <summary>The artifact <paramref name="name"/> of the run, or null.</summary>
    Task<ArtifactRecord?> GetArtifactAsync(string runId, string name, CancellationToken cancellationToken);

    /// <summary>The run's artifacts by name.</summary>
    Task<IReadOnlyList<ArtifactRecord>> ListArtifactsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Appends an event (its <see cref="RunEvent.Id"/> is assigned); returns it as stored.</summary>
    Task<RunEvent> AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken);

    /// <summary>The run's events with id greater than <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunEvent>> ReadEventsAsync(string runId, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Registers (or re-registers) a silo as started now.</summary>
    Task RegisterSiloAsync(string siloId, string host, string? url, int slots, CancellationToken cancellationToken);

    /// <summary>Records a silo's heartbeat.</summary>
    Task HeartbeatSiloAsync(string siloId, CancellationToken cancellationToken);

    /// <summary>Marks a silo as stopped cleanly.</summary>
    Task StopSiloAsync(string siloId, CancellationToken cancellationToken);

    /// <summary>Every silo the store knows, with the tasks each holds now.</summary>
    Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken);
}
