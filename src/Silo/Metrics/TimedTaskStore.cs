using System.Diagnostics;
using Ensemble.Silo.Store;

namespace Ensemble.Silo.Metrics;

/// <summary>
/// A task store that times every call it passes to the store beneath into
/// <c>ensemble_store_operation_duration_seconds{operation}</c>: the operation is the method's name in snake case
/// without <c>Async</c> (<c>claim</c>, <c>report_progress</c>, <c>expire_leases</c>). Calls that throw are timed too.
/// </summary>
public sealed class TimedTaskStore(ITaskStore inner, SiloMetrics metrics) : ITaskStore
{
    /// <summary>The store beneath.</summary>
    public ITaskStore Inner { get; } = inner;

    /// <inheritdoc/>
    public Task MigrateAsync(CancellationToken cancellationToken) => TimeAsync("migrate", () => Inner.MigrateAsync(cancellationToken));

    /// <inheritdoc/>
    public Task<bool> PingAsync(CancellationToken cancellationToken) => TimeAsync("ping", () => Inner.PingAsync(cancellationToken));

    /// <inheritdoc/>
    public Task<RunRecord> CreateRunAsync(NewRun run, CancellationToken cancellationToken) =>
        TimeAsync("create_run", () => Inner.CreateRunAsync(run, cancellationToken));

    /// <inheritdoc/>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        TimeAsync("get_run", () => Inner.GetRunAsync(runId, cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken) =>
        TimeAsync("list_runs", () => Inner.ListRunsAsync(limit, cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string runId, CancellationToken cancellationToken) =>
        TimeAsync("get_tasks", () => Inner.GetTasksAsync(runId, cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<(string Kind, TaskState State), int>> CountTasksAsync(CancellationToken cancellationToken) =>
        TimeAsync("count_tasks", () => Inner.CountTasksAsync(cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<RunState, int>> CountRunsAsync(CancellationToken cancellationToken) =>
        TimeAsync("count_runs", () => Inner.CountRunsAsync(cancellationToken));

    /// <inheritdoc/>
    public Task<RunRecord?> CancelRunAsync(string runId, CancellationToken cancellationToken) =>
        TimeAsync("cancel_run", () => Inner.CancelRunAsync(runId, cancellationToken));

    /// <inheritdoc/>
    public Task<TaskClaim?> ClaimAsync(string siloId, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        TimeAsync("claim", () => Inner.ClaimAsync(siloId, leaseDuration, cancellationToken));

    /// <inheritdoc/>
    public Task<LeaseStatus> RenewAsync(TaskLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        TimeAsync("renew", () => Inner.RenewAsync(lease, leaseDuration, cancellationToken));

    /// <inheritdoc/>
    public Task<LeaseStatus> CheckLeaseAsync(TaskLease lease, CancellationToken cancellationToken) =>
        TimeAsync("check_lease", () => Inner.CheckLeaseAsync(lease, cancellationToken));

    /// <inheritdoc/>
    public Task<bool> ReportProgressAsync(TaskLease lease, string progressJson, string message, CancellationToken cancellationToken) =>
        TimeAsync("report_progress", () => Inner.ReportProgressAsync(lease, progressJson, message, cancellationToken));

    /// <inheritdoc/>
    public Task<bool> RecordArtifactAsync(TaskLease lease, ArtifactRecord artifact, CancellationToken cancellationToken) =>
        TimeAsync("record_artifact", () => Inner.RecordArtifactAsync(lease, artifact, cancellationToken));

    /// <inheritdoc/>
    public Task<bool> CompleteAsync(TaskLease lease, TaskCompletion completion, CancellationToken cancellationToken) =>
        TimeAsync("complete", () => Inner.CompleteAsync(lease, completion, cancellationToken));

    /// <inheritdoc/>
    public Task<FailureOutcome> FailAsync(TaskLease lease, string error, CancellationToken cancellationToken) =>
        TimeAsync("fail", () => Inner.FailAsync(lease, error, cancellationToken));

    /// <inheritdoc/>
    public Task<bool> ReleaseAsync(TaskLease lease, string reason, CancellationToken cancellationToken) =>
        TimeAsync("release", () => Inner.ReleaseAsync(lease, reason, cancellationToken));

    /// <inheritdoc/>
    public Task<int> ExpireLeasesAsync(string? siloId, CancellationToken cancellationToken) =>
        TimeAsync("expire_leases", () => Inner.ExpireLeasesAsync(siloId, cancellationToken));

    /// <inheritdoc/>
    public Task<ArtifactRecord?> GetArtifactAsync(string runId, string name, CancellationToken cancellationToken) =>
        TimeAsync("get_artifact", () => Inner.GetArtifactAsync(runId, name, cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyList<ArtifactRecord>> ListArtifactsAsync(string runId, CancellationToken cancellationToken) =>
        TimeAsync("list_artifacts", () => Inner.ListArtifactsAsync(runId, cancellationToken));

    /// <inheritdoc/>
    public Task<RunEvent> AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken) =>
        TimeAsync("append_event", () => Inner.AppendEventAsync(runEvent, cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunEvent>> ReadEventsAsync(string runId, long afterId, int limit, CancellationToken cancellationToken) =>
        TimeAsync("read_events", () => Inner.ReadEventsAsync(runId, afterId, limit, cancellationToken));

    /// <inheritdoc/>
    public Task RegisterSiloAsync(string siloId, string host, string? url, int slots, CancellationToken cancellationToken) =>
        TimeAsync("register_silo", () => Inner.RegisterSiloAsync(siloId, host, url, slots, cancellationToken));

    /// <inheritdoc/>
    public Task HeartbeatSiloAsync(string siloId, CancellationToken cancellationToken) =>
        TimeAsync("heartbeat_silo", () => Inner.HeartbeatSiloAsync(siloId, cancellationToken));

    /// <inheritdoc/>
    public Task StopSiloAsync(string siloId, CancellationToken cancellationToken) =>
        TimeAsync("stop_silo", () => Inner.StopSiloAsync(siloId, cancellationToken));

    /// <inheritdoc/>
    public Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken) =>
        TimeAsync("list_silos", () => Inner.ListSilosAsync(cancellationToken));

    /// <summary>Disposes the store beneath.</summary>
    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    private async Task TimeAsync(string operation, Func<Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await call().ConfigureAwait(false);
        }
        finally
        {
            metrics.StoreOperation(operation, Stopwatch.GetElapsedTime(start));
        }
    }

    private async Task<T> TimeAsync<T>(string operation, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            metrics.StoreOperation(operation, Stopwatch.GetElapsedTime(start));
        }
    }
}
