using System.Data.Common;
using System.Globalization;

namespace Ensemble.Silo.Store.Sql;

/// <summary>
/// The task store over a SQL database: the state machine of runs, tasks, leases and fences written once, in SQL
/// that SQLite and PostgreSQL both speak, with what differs between them (connections, locks, times, schema) in
/// the dialect. Every lease-bearing write puts the lease's check in the <c>WHERE</c> of its first statement
/// (<c>state = 'running' AND fence = @fence</c>) and writes nothing else when no row matched.
/// </summary>
/// <remarks>
/// Locking (PostgreSQL; SQLite's write transactions are exclusive): every transaction that changes the states of
/// a run's tasks other than by claiming (complete, fail, release, expire, cancel) first takes the run's lock, so
/// two siblings completing at once cannot both miss that their join became ready; then it locks task rows; it
/// changes the run's row last. A claim locks one task row with <c>SKIP LOCKED</c> and then may change the run's
/// row, never waiting on a run lock, so claims neither wait for each other nor deadlock with the rest. Events are
/// appended at the very end under a global lock, so their ids commit in order.
/// </remarks>
public abstract class SqlTaskStore : ITaskStore
{
    private const string TaskColumns =
        "run_id, task_id, kind, task_index, state, attempt, max_attempts, fence, lease_owner, lease_expires_at, not_before, " +
        "progress_json, result_json, error, started_at, finished_at";

    private const string RunColumns = "run_id, name, spec_json, state, teachers_min, created_at, updated_at, error";

    private const string ArtifactColumns = "run_id, name, sha256, size, task_id, created_at";

    private const string EventColumns = "id, run_id, at, task_id, kind, message, data_json";

    /// <summary>The lease check every lease-bearing statement carries.</summary>
    private const string Fenced = "run_id = @run AND task_id = @task AND state = 'running' AND fence = @fence";

    private const string ClearLease = "lease_owner = NULL, lease_expires_at = NULL";

    private const int TransientRetries = 3;

    private readonly SqlDialect _dialect;
    private readonly TaskStoreOptions _options;

    private protected SqlTaskStore(SqlDialect dialect, TaskStoreOptions? options)
    {
        _dialect = dialect;
        _options = options ?? new TaskStoreOptions();
    }

    /// <summary>The schema version this build creates and accepts.</summary>
    public int SchemaVersion => _dialect.Migrations.Count;

    private DateTimeOffset Now => _options.Clock.GetUtcNow().ToUniversalTime();

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var session = await SqlSession.OpenAsync(_dialect, Now, write: true, cancellationToken).ConfigureAwait(false);
        if (_dialect.LockSchemaSql is { } lockSql) await session.ExecuteAsync(lockSql, cancellationToken).ConfigureAwait(false);
        await session.ExecuteAsync(_dialect.SchemaVersionTableSql, cancellationToken).ConfigureAwait(false);
        var current = ToInt(await session.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken).ConfigureAwait(false));
        if (current > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"{_dialect.Name} task store: its schema is at version {current}, newer than this build of Ensemble knows " +
                $"(version {SchemaVersion}); upgrade Ensemble, or point it at another store");
        }

        for (var version = current + 1; version <= SchemaVersion; version++)
        {
            await session.ExecuteAsync(_dialect.Migrations[version - 1], cancellationToken).ConfigureAwait(false);
            await session.ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (@version, @now)", cancellationToken,
                ("@version", version), ("@now", session.Now)).ConfigureAwait(false);
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(async s => ToInt(await s.ScalarAsync("SELECT 1", cancellationToken).ConfigureAwait(false)) == 1,
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<RunRecord> CreateRunAsync(NewRun run, CancellationToken cancellationToken)
    {
        NewRunValidator.Validate(run);
        try
        {
            return await WriteAsync(async s =>
            {
                if (ToInt(await s.ScalarAsync("SELECT COUNT(*) FROM runs WHERE run_id = @run", cancellationToken, ("@run", run.RunId))
                        .ConfigureAwait(false)) > 0)
                {
                    throw DuplicateRun(run.RunId);
                }

                await s.ExecuteAsync(
                    $"INSERT INTO runs ({RunColumns}) VALUES (@run, @name, @spec, 'queued', @teachersMin, @now, @now, NULL)", cancellationToken,
                    ("@run", run.RunId), ("@name", run.Name), ("@spec", run.SpecJson), ("@teachersMin", run.TeachersMin), ("@now", s.Now))
                    .ConfigureAwait(false);
                for (var position = 0; position < run.Tasks.Count; position++)
                {
                    var task = run.Tasks[position];
                    await s.ExecuteAsync(
                        "INSERT INTO tasks (run_id, task_id, position, kind, task_index, state, excused, attempt, max_attempts, fence) " +
                        "VALUES (@run, @task, @position, @kind, @index, @state, FALSE, 0, @maxAttempts, 0)", cancellationToken,
                        ("@run", run.RunId), ("@task", task.TaskId), ("@position", position), ("@kind", task.Kind), ("@index", task.Index),
                        ("@state", StateNames.Of(task.DependsOn.Count == 0 ? TaskState.Ready : TaskState.Pending)),
                        ("@maxAttempts", run.MaxAttempts)).ConfigureAwait(false);
                    for (var d = 0; d < task.DependsOn.Count; d++)
                    {
                        await s.ExecuteAsync(
                            "INSERT INTO task_dependencies (run_id, task_id, position, depends_on) VALUES (@run, @task, @position, @dependsOn)",
                            cancellationToken, ("@run", run.RunId), ("@task", task.TaskId), ("@position", d), ("@dependsOn", task.DependsOn[d]))
                            .ConfigureAwait(false);
                    }
                }

                s.Emit(run.RunId, null, EventKinds.RunSubmitted, $"run '{run.RunId}' ({run.Name}) submitted with {run.Tasks.Count} tasks");
                return (await ReadRunAsync(s, run.RunId, cancellationToken).ConfigureAwait(false))!;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (_dialect.IsUniqueViolation(e))
        {
            // Another silo stored the same id between our check and our insert.
            throw DuplicateRun(run.RunId, e);
        }
    }

    /// <inheritdoc/>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(s => ReadRunAsync(s, runId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ReadAsync<IReadOnlyList<RunRecord>>(async s =>
            await s.QueryAsync($"SELECT {RunColumns} FROM runs ORDER BY seq DESC LIMIT @limit", r => MapRun(s, r), cancellationToken,
                ("@limit", limit)).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<TaskRecord>>(async s =>
        {
            var dependencies = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var rows = await s.QueryAsync(
                "SELECT task_id, depends_on FROM task_dependencies WHERE run_id = @run ORDER BY task_id, position",
                r => (Task: r.GetString(0), DependsOn: r.GetString(1)), cancellationToken, ("@run", runId)).ConfigureAwait(false);
            foreach (var (task, dependsOn) in rows)
            {
                if (!dependencies.TryGetValue(task, out var list)) dependencies[task] = list = [];
                list.Add(dependsOn);
            }

            return await s.QueryAsync(
                $"SELECT {TaskColumns} FROM tasks WHERE run_id = @run ORDER BY position",
                r => MapTask(s, r, dependencies.TryGetValue(r.GetString(1), out var list) ? list : []), cancellationToken,
                ("@run", runId)).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<(string Kind, TaskState State), int>> CountTasksAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<(string Kind, TaskState State), int>>(async s =>
        {
            var rows = await s.QueryAsync("SELECT kind, state, COUNT(*) FROM tasks GROUP BY kind, state",
                r => (Kind: r.GetString(0), State: StateNames.ParseTask(r.GetString(1)), Count: ToInt(r.GetValue(2))), cancellationToken)
                .ConfigureAwait(false);
            return rows.ToDictionary(r => (r.Kind, r.State), r => r.Count);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<RunState, int>> CountRunsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<RunState, int>>(async s =>
        {
            var rows = await s.QueryAsync("SELECT state, COUNT(*) FROM runs GROUP BY state",
                r => (State: StateNames.ParseRun(r.GetString(0)), Count: ToInt(r.GetValue(1))), cancellationToken).ConfigureAwait(false);
            return rows.ToDictionary(r => r.State, r => r.Count);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<RunRecord?> CancelRunAsync(string runId, CancellationToken cancellationToken) =>
        WriteAsync(async s =>
        {
            await s.LockRunAsync(runId, cancellationToken).ConfigureAwait(false);
            var run = await ReadRunAsync(s, runId, cancellationToken).ConfigureAwait(false);
            if (run is null || StateNames.IsTerminal(run.State)) return run;
            await CancelUnfinishedTasksAsync(s, runId, cancellationToken).ConfigureAwait(false);
            await s.ExecuteAsync("UPDATE runs SET state = 'cancelled', updated_at = @now WHERE run_id = @run", cancellationToken,
                ("@run", runId), ("@now", s.Now)).ConfigureAwait(false);
            s.Emit(runId, null, EventKinds.RunCancelled, $"run '{runId}' cancelled");
            return await ReadRunAsync(s, runId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<TaskClaim?> ClaimAsync(string siloId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siloId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        return WriteAsync(async s =>
        {
            var picked = await s.QueryAsync(
                "SELECT t.run_id, t.task_id FROM tasks t JOIN runs r ON r.run_id = t.run_id " +
                "WHERE t.state = 'ready' AND (t.not_before IS NULL OR t.not_before <= @now) AND r.state IN ('queued', 'running') " +
                $"ORDER BY r.seq, t.position LIMIT 1{_dialect.ForUpdateSkipLocked}",
                r => (Run: r.GetString(0), Task: r.GetString(1)), cancellationToken, ("@now", s.Now)).ConfigureAwait(false);
            if (picked.Count == 0) return null;
            var (runId, taskId) = picked[0];
            var claimed = await s.QueryAsync(
                "UPDATE tasks SET state = 'running', attempt = attempt + 1, fence = fence + 1, lease_owner = @silo, " +
                "lease_expires_at = @expires, not_before = NULL, started_at = @now " +
                "WHERE run_id = @run AND task_id = @task AND state = 'ready' RETURNING kind, task_index, attempt, fence, lease_expires_at",
                r => (Kind: r.GetString(0), Index: r.GetInt32(1), Attempt: r.GetInt32(2), Fence: r.GetInt64(3), Expires: s.Time(r, 4)),
                cancellationToken, ("@silo", siloId), ("@expires", s.Now + leaseDuration), ("@now", s.Now), ("@run", runId), ("@task", taskId))
                .ConfigureAwait(false);

            // The row is locked (PostgreSQL) or the transaction exclusive (SQLite), so it is still ready.
            if (claimed.Count == 0) return null;
            var task = claimed[0];
            await s.ExecuteAsync("UPDATE runs SET state = 'running', updated_at = @now WHERE run_id = @run AND state = 'queued'",
                cancellationToken, ("@run", runId), ("@now", s.Now)).ConfigureAwait(false);
            var spec = (string)(await s.ScalarAsync("SELECT spec_json FROM runs WHERE run_id = @run", cancellationToken, ("@run", runId))
                .ConfigureAwait(false))!;
            s.Emit(runId, taskId, EventKinds.TaskClaimed,
                $"{taskId}: attempt {task.Attempt} claimed by silo {siloId} (fence {task.Fence})");
            return new TaskClaim(new TaskLease(runId, taskId, task.Fence, siloId), task.Kind, task.Index, task.Attempt, spec, task.Expires);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<LeaseStatus> RenewAsync(TaskLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        return WriteAsync(async s =>
        {
            var renewed = await s.ExecuteAsync($"UPDATE tasks SET lease_expires_at = @expires WHERE {Fenced}", cancellationToken,
                [("@expires", s.Now + leaseDuration), .. LeaseParameters(lease)]).ConfigureAwait(false);
            return renewed == 1 ? LeaseStatus.Held : await ReadLeaseStatusAsync(s, lease, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<LeaseStatus> CheckLeaseAsync(TaskLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return ReadAsync(s => ReadLeaseStatusAsync(s, lease, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> ReportProgressAsync(TaskLease lease, string progressJson, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(progressJson);
        ArgumentNullException.ThrowIfNull(message);
        return WriteAsync(async s =>
        {
            if (await s.ExecuteAsync($"UPDATE tasks SET progress_json = @progress WHERE {Fenced}", cancellationToken,
                    [("@progress", progressJson), .. LeaseParameters(lease)]).ConfigureAwait(false) == 0)
            {
                return false;
            }

            s.Emit(lease.RunId, lease.TaskId, EventKinds.TaskProgress, message, progressJson);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> RecordArtifactAsync(TaskLease lease, ArtifactRecord artifact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        CheckArtifact(lease, artifact, nameof(artifact));
        return WriteAsync(async s =>
        {
            // A write that changes nothing but locks the task row and checks the lease, in this transaction.
            if (await s.ExecuteAsync($"UPDATE tasks SET fence = fence WHERE {Fenced}", cancellationToken, LeaseParameters(lease))
                    .ConfigureAwait(false) == 0)
            {
                return false;
            }

            await UpsertArtifactAsync(s, artifact, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> CompleteAsync(TaskLease lease, TaskCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(completion.ResultJson, "completion.ResultJson");
        for (var i = 0; i < completion.Artifacts.Count; i++) CheckArtifact(lease, completion.Artifacts[i], $"completion.Artifacts[{i}]");
        return WriteAsync(async s =>
        {
            await s.LockRunAsync(lease.RunId, cancellationToken).ConfigureAwait(false);
            if (await s.ExecuteAsync(
                    $"UPDATE tasks SET state = 'succeeded', result_json = @result, finished_at = @now, {ClearLease} WHERE {Fenced}",
                    cancellationToken, [("@result", completion.ResultJson), ("@now", s.Now), .. LeaseParameters(lease)]).ConfigureAwait(false) == 0)
            {
                return false;
            }

            foreach (var artifact in completion.Artifacts) await UpsertArtifactAsync(s, artifact, cancellationToken).ConfigureAwait(false);
            s.Emit(lease.RunId, lease.TaskId, EventKinds.TaskSucceeded,
                $"{lease.TaskId} succeeded ({completion.Artifacts.Count} artifacts)");
            await AdvanceRunAsync(s, lease.RunId, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<FailureOutcome> FailAsync(TaskLease lease, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(error);
        return WriteAsync(async s =>
        {
            await s.LockRunAsync(lease.RunId, cancellationToken).ConfigureAwait(false);
            return await FailLockedAsync(s, lease, error, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> ReleaseAsync(TaskLease lease, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(reason);
        return WriteAsync(async s =>
        {
            await s.LockRunAsync(lease.RunId, cancellationToken).ConfigureAwait(false);
            if (await s.ExecuteAsync(
                    $"UPDATE tasks SET state = 'ready', attempt = attempt - 1, not_before = NULL, {ClearLease} WHERE {Fenced}",
                    cancellationToken, LeaseParameters(lease)).ConfigureAwait(false) == 0)
            {
                return false;
            }

            s.Emit(lease.RunId, lease.TaskId, EventKinds.TaskReleased, $"{lease.TaskId} released by silo {lease.SiloId}: {reason}");
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<int> ExpireLeasesAsync(string? siloId, CancellationToken cancellationToken)
    {
        // Lapsed leases, or (for a silo that restarts) every lease of that silo whether lapsed or not.
        var condition = siloId is null ? "lease_expires_at < @now" : "lease_owner = @silo";
        (string, object?) Selector(SqlSession s) => siloId is null ? ("@now", s.Now) : ("@silo", siloId);
        var candidates = await ReadAsync(s => s.QueryAsync(
            $"SELECT run_id, task_id, fence, lease_owner FROM tasks WHERE state = 'running' AND {condition} ORDER BY run_id, position",
            r => new TaskLease(r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? "" : r.GetString(3)), cancellationToken,
            Selector(s)), cancellationToken).ConfigureAwait(false);
        var expired = 0;
        foreach (var candidate in candidates)
        {
            var done = await WriteAsync(async s =>
            {
                await s.LockRunAsync(candidate.RunId, cancellationToken).ConfigureAwait(false);

                // Still running under the same fence and still lapsed (a renewal may have come in meanwhile)?
                var still = await s.QueryAsync($"SELECT lease_owner FROM tasks WHERE {Fenced} AND {condition}{_dialect.ForUpdate}",
                    r => r.IsDBNull(0) ? "" : r.GetString(0), cancellationToken,
                    [Selector(s), .. LeaseParameters(candidate)]).ConfigureAwait(false);
                if (still.Count == 0) return false;
                var error = FailureRules.LeaseExpiredError(still[0]);
                s.Emit(candidate.RunId, candidate.TaskId, EventKinds.LeaseExpired, $"{candidate.TaskId}: {error}");
                return await FailLockedAsync(s, candidate, error, cancellationToken).ConfigureAwait(false) != FailureOutcome.Refused;
            }, cancellationToken).ConfigureAwait(false);
            if (done) expired++;
        }

        return expired;
    }

    /// <inheritdoc/>
    public Task<ArtifactRecord?> GetArtifactAsync(string runId, string name, CancellationToken cancellationToken) =>
        ReadAsync(async s => (await s.QueryAsync(
            $"SELECT {ArtifactColumns} FROM artifacts WHERE run_id = @run AND name = @name", r => MapArtifact(s, r), cancellationToken,
            ("@run", runId), ("@name", name)).ConfigureAwait(false)).SingleOrDefault(), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ArtifactRecord>> ListArtifactsAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ArtifactRecord>>(async s =>
        {
            var artifacts = await s.QueryAsync($"SELECT {ArtifactColumns} FROM artifacts WHERE run_id = @run", r => MapArtifact(s, r),
                cancellationToken, ("@run", runId)).ConfigureAwait(false);

            // Sorted here, by ordinal, so both databases agree whatever their collation.
            artifacts.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return artifacts;
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<RunEvent> AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        var ids = await WriteIdsAsync(s =>
        {
            s.Emit(runEvent with { At = runEvent.At.ToUniversalTime() });
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(async s => (await s.QueryAsync($"SELECT {EventColumns} FROM events WHERE id = @id", r => MapEvent(s, r),
            cancellationToken, ("@id", ids[0])).ConfigureAwait(false)).Single(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunEvent>> ReadEventsAsync(string runId, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ReadAsync<IReadOnlyList<RunEvent>>(async s => await s.QueryAsync(
            $"SELECT {EventColumns} FROM events WHERE run_id = @run AND id > @after ORDER BY id LIMIT @limit", r => MapEvent(s, r),
            cancellationToken, ("@run", runId), ("@after", afterId), ("@limit", limit)).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc/>
    public Task RegisterSiloAsync(string siloId, string host, string? url, int slots, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siloId);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        return WriteAsync(s => s.ExecuteAsync(
            "INSERT INTO silos (silo_id, host, url, slots, started_at, heartbeat_at, stopped) VALUES (@silo, @host, @url, @slots, @now, @now, FALSE) " +
            "ON CONFLICT (silo_id) DO UPDATE SET host = excluded.host, url = excluded.url, slots = excluded.slots, " +
            "started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped = FALSE",
            cancellationToken, ("@silo", siloId), ("@host", host), ("@url", url), ("@slots", slots), ("@now", s.Now)), cancellationToken);
    }

    /// <inheritdoc/>
    public Task HeartbeatSiloAsync(string siloId, CancellationToken cancellationToken) =>
        UpdateSiloAsync(siloId, "heartbeat_at = @now", withNow: true, cancellationToken);

    /// <inheritdoc/>
    public Task StopSiloAsync(string siloId, CancellationToken cancellationToken) =>
        UpdateSiloAsync(siloId, "stopped = TRUE", withNow: false, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<SiloRecord>>(async s =>
        {
            var held = await s.QueryAsync(
                "SELECT t.lease_owner, t.run_id, t.task_id FROM tasks t JOIN runs r ON r.run_id = t.run_id " +
                "WHERE t.state = 'running' AND t.lease_owner IS NOT NULL ORDER BY r.seq, t.position",
                r => (Silo: r.GetString(0), Task: $"{r.GetString(1)}:{r.GetString(2)}"), cancellationToken).ConfigureAwait(false);
            var silos = await s.QueryAsync(
                "SELECT silo_id, host, url, slots, started_at, heartbeat_at, stopped FROM silos",
                r => new SiloRecord(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3), s.Time(r, 4),
                    s.Time(r, 5), r.GetBoolean(6), held.Where(h => h.Silo == r.GetString(0)).Select(h => h.Task).ToList()),
                cancellationToken).ConfigureAwait(false);
            silos.Sort((a, b) => string.CompareOrdinal(a.SiloId, b.SiloId));
            return silos;
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _dialect.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The failure rules, for a task whose run this transaction has locked: retry after the back-off while attempts
    /// remain; otherwise failed, and then excused (a teacher above the quorum) or failing the run.
    /// </summary>
    private async Task<FailureOutcome> FailLockedAsync(SqlSession s, TaskLease lease, string error, CancellationToken cancellationToken)
    {
        var rows = await s.QueryAsync($"SELECT kind, attempt, max_attempts FROM tasks WHERE {Fenced}{_dialect.ForUpdate}",
            r => (Kind: r.GetString(0), Attempt: r.GetInt32(1), MaxAttempts: r.GetInt32(2)), cancellationToken, LeaseParameters(lease))
            .ConfigureAwait(false);
        if (rows.Count == 0) return FailureOutcome.Refused;
        var (kind, attempt, maxAttempts) = rows[0];

        if (FailureRules.WillRetry(attempt, maxAttempts))
        {
            var backoff = _options.BackoffAfter(attempt);
            await s.ExecuteAsync($"UPDATE tasks SET state = 'ready', not_before = @notBefore, error = @error, {ClearLease} WHERE {Fenced}",
                cancellationToken, [("@notBefore", s.Now + backoff), ("@error", error), .. LeaseParameters(lease)]).ConfigureAwait(false);
            s.Emit(lease.RunId, lease.TaskId, EventKinds.TaskRetry,
                $"{lease.TaskId}: attempt {attempt} of {maxAttempts} failed ({error}); retry in {backoff.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
            return FailureOutcome.WillRetry;
        }

        await s.ExecuteAsync($"UPDATE tasks SET state = 'failed', error = @error, finished_at = @now, {ClearLease} WHERE {Fenced}",
            cancellationToken, [("@error", error), ("@now", s.Now), .. LeaseParameters(lease)]).ConfigureAwait(false);

        if (kind == FailureRules.TeacherKind)
        {
            var teachersNotFailed = ToInt(await s.ScalarAsync(
                "SELECT COUNT(*) FROM tasks WHERE run_id = @run AND kind = @kind AND state <> 'failed'", cancellationToken,
                ("@run", lease.RunId), ("@kind", FailureRules.TeacherKind)).ConfigureAwait(false));
            var teachersMin = ToInt(await s.ScalarAsync("SELECT teachers_min FROM runs WHERE run_id = @run", cancellationToken,
                ("@run", lease.RunId)).ConfigureAwait(false));
            if (FailureRules.IsExcused(kind, teachersNotFailed, teachersMin))
            {
                await s.ExecuteAsync("UPDATE tasks SET excused = TRUE WHERE run_id = @run AND task_id = @task", cancellationToken,
                    ("@run", lease.RunId), ("@task", lease.TaskId)).ConfigureAwait(false);
                s.Emit(lease.RunId, lease.TaskId, EventKinds.TaskFailed,
                    $"{lease.TaskId} failed after {attempt} attempts ({error}); excused: {teachersNotFailed} teachers left, quorum {teachersMin}");
                await AdvanceRunAsync(s, lease.RunId, cancellationToken).ConfigureAwait(false);
                return FailureOutcome.Excused;
            }
        }

        s.Emit(lease.RunId, lease.TaskId, EventKinds.TaskFailed, $"{lease.TaskId} failed after {attempt} attempts ({error})");
        await CancelUnfinishedTasksAsync(s, lease.RunId, cancellationToken).ConfigureAwait(false);
        var runError = FailureRules.RunError(lease.TaskId, error);
        await s.ExecuteAsync(
            "UPDATE runs SET state = 'failed', error = @error, updated_at = @now WHERE run_id = @run AND state IN ('queued', 'running')",
            cancellationToken, ("@error", runError), ("@now", s.Now), ("@run", lease.RunId)).ConfigureAwait(false);
        s.Emit(lease.RunId, null, EventKinds.RunFailed, runError);
        return FailureOutcome.RunFailed;
    }

    /// <summary>
    /// After a task finished: every pending task of the run whose dependencies have all finished (succeeded, or
    /// failed and excused) becomes ready; when no task is left unfinished, the run has succeeded.
    /// </summary>
    private static async Task AdvanceRunAsync(SqlSession s, string runId, CancellationToken cancellationToken)
    {
        await s.ExecuteAsync(
            "UPDATE tasks SET state = 'ready' WHERE run_id = @run AND state = 'pending' AND NOT EXISTS (" +
            "SELECT 1 FROM task_dependencies d JOIN tasks p ON p.run_id = d.run_id AND p.task_id = d.depends_on " +
            "WHERE d.run_id = tasks.run_id AND d.task_id = tasks.task_id AND NOT (p.state = 'succeeded' OR (p.state = 'failed' AND p.excused)))",
            cancellationToken, ("@run", runId)).ConfigureAwait(false);
        var unfinished = ToInt(await s.ScalarAsync(
            "SELECT COUNT(*) FROM tasks WHERE run_id = @run AND NOT (state = 'succeeded' OR (state = 'failed' AND excused))", cancellationToken,
            ("@run", runId)).ConfigureAwait(false));
        if (unfinished > 0) return;
        if (await s.ExecuteAsync(
                "UPDATE runs SET state = 'succeeded', updated_at = @now WHERE run_id = @run AND state IN ('queued', 'running')",
                cancellationToken, ("@run", runId), ("@now", s.Now)).ConfigureAwait(false) == 1)
        {
            s.Emit(runId, null, EventKinds.RunSucceeded, $"run '{runId}' succeeded");
        }
    }

    /// <summary>Every task of the run that has not finished becomes cancelled, its lease (if any) void.</summary>
    private static Task CancelUnfinishedTasksAsync(SqlSession s, string runId, CancellationToken cancellationToken) =>
        s.ExecuteAsync(
            $"UPDATE tasks SET state = 'cancelled', finished_at = @now, {ClearLease} WHERE run_id = @run AND state IN ('pending', 'ready', 'running')",
            cancellationToken, ("@now", s.Now), ("@run", runId));

    private static async Task<LeaseStatus> ReadLeaseStatusAsync(SqlSession s, TaskLease lease, CancellationToken cancellationToken)
    {
        var rows = await s.QueryAsync(
            "SELECT t.state, t.fence, r.state FROM tasks t JOIN runs r ON r.run_id = t.run_id WHERE t.run_id = @run AND t.task_id = @task",
            r => (Task: StateNames.ParseTask(r.GetString(0)), Fence: r.GetInt64(1), Run: StateNames.ParseRun(r.GetString(2))), cancellationToken,
            ("@run", lease.RunId), ("@task", lease.TaskId)).ConfigureAwait(false);
        if (rows.Count == 0) return LeaseStatus.Lost;
        var (task, fence, run) = rows[0];
        if (task == TaskState.Running && fence == lease.Fence) return LeaseStatus.Held;
        return task == TaskState.Cancelled || run == RunState.Cancelled ? LeaseStatus.Cancelled : LeaseStatus.Lost;
    }

    private static Task UpsertArtifactAsync(SqlSession s, ArtifactRecord artifact, CancellationToken cancellationToken) =>
        s.ExecuteAsync(
            $"INSERT INTO artifacts ({ArtifactColumns}) VALUES (@run, @name, @sha256, @size, @task, @createdAt) " +
            "ON CONFLICT (run_id, name) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, task_id = excluded.task_id, " +
            "created_at = excluded.created_at",
            cancellationToken, ("@run", artifact.RunId), ("@name", artifact.Name), ("@sha256", artifact.Sha256), ("@size", artifact.Size),
            ("@task", artifact.TaskId), ("@createdAt", artifact.CreatedAt.ToUniversalTime()));

    private static async Task<RunRecord?> ReadRunAsync(SqlSession s, string runId, CancellationToken cancellationToken) =>
        (await s.QueryAsync($"SELECT {RunColumns} FROM runs WHERE run_id = @run", r => MapRun(s, r), cancellationToken, ("@run", runId))
            .ConfigureAwait(false)).SingleOrDefault();

    private static RunRecord MapRun(SqlSession s, DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), StateNames.ParseRun(r.GetString(3)), r.GetInt32(4), s.Time(r, 5), s.Time(r, 6),
            r.IsDBNull(7) ? null : r.GetString(7));

    private static TaskRecord MapTask(SqlSession s, DbDataReader r, IReadOnlyList<string> dependsOn) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), StateNames.ParseTask(r.GetString(4)), r.GetInt32(5), r.GetInt32(6),
            r.GetInt64(7), NullableString(r, 8), s.NullableTime(r, 9), s.NullableTime(r, 10), NullableString(r, 11), NullableString(r, 12),
            NullableString(r, 13), s.NullableTime(r, 14), s.NullableTime(r, 15), dependsOn);

    private static ArtifactRecord MapArtifact(SqlSession s, DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), s.Time(r, 5));

    private static RunEvent MapEvent(SqlSession s, DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), s.Time(r, 2), NullableString(r, 3), r.GetString(4), r.GetString(5), NullableString(r, 6));

    private static string? NullableString(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static int ToInt(object? value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private static (string Name, object? Value)[] LeaseParameters(TaskLease lease) =>
        [("@run", lease.RunId), ("@task", lease.TaskId), ("@fence", lease.Fence)];

    private static void CheckArtifact(TaskLease lease, ArtifactRecord artifact, string argument)
    {
        ArgumentNullException.ThrowIfNull(artifact, argument);
        if (artifact.RunId != lease.RunId || artifact.TaskId != lease.TaskId)
        {
            throw new ArgumentException(
                $"{argument} '{artifact.Name}' belongs to {artifact.RunId}:{artifact.TaskId}, not to the lease's task {lease.RunId}:{lease.TaskId}",
                argument);
        }
    }

    private static InvalidOperationException DuplicateRun(string runId, Exception? inner = null) =>
        new($"a run with id '{runId}' exists already", inner);

    private async Task UpdateSiloAsync(string siloId, string assignment, bool withNow, CancellationToken cancellationToken)
    {
        var changed = await WriteAsync(s => s.ExecuteAsync($"UPDATE silos SET {assignment} WHERE silo_id = @silo", cancellationToken,
            withNow ? [("@silo", siloId), ("@now", s.Now)] : [("@silo", siloId)]), cancellationToken).ConfigureAwait(false);
        if (changed == 0) throw new InvalidOperationException($"silo '{siloId}' is not registered in the task store");
    }

    /// <summary>Runs <paramref name="body"/> on a connection without a transaction.</summary>
    private async Task<T> ReadAsync<T>(Func<SqlSession, Task<T>> body, CancellationToken cancellationToken)
    {
        await using var session = await SqlSession.OpenAsync(_dialect, Now, write: false, cancellationToken).ConfigureAwait(false);
        return await body(session).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one write transaction and commits it (with the events it emitted); runs it
    /// again, from the start, after a deadlock or serialization failure.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqlSession, Task<T>> body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = await SqlSession.OpenAsync(_dialect, Now, write: true, cancellationToken).ConfigureAwait(false);
                var result = await body(session).ConfigureAwait(false);
                await session.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (DbException e) when (attempt < TransientRetries && _dialect.IsTransient(e))
            {
                // The database rolled the transaction back; nothing of it was kept.
            }
        }
    }

    /// <summary>Like <see cref="WriteAsync{T}"/>, returning the ids of the events the transaction appended.</summary>
    private async Task<IReadOnlyList<long>> WriteIdsAsync(Func<SqlSession, Task> body, CancellationToken cancellationToken)
    {
        await using var session = await SqlSession.OpenAsync(_dialect, Now, write: true, cancellationToken).ConfigureAwait(false);
        await body(session).ConfigureAwait(false);
        return await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
