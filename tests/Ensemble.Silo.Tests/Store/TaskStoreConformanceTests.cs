using Ensemble.Silo.Store;
using Ensemble.Silo.Store.Sql;

namespace Ensemble.Silo.Tests.Store;

/// <summary>
/// The behaviour every <see cref="ITaskStore"/> must have, run against each implementation by a derived class that
/// only says how to make a fresh, empty location (a <see cref="TaskStoreFactory"/> location string). Time comes from
/// a <see cref="ManualClock"/>: leases lapse and back-offs pass when a test advances it.
/// </summary>
public abstract class TaskStoreConformanceTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly List<ITaskStore> _opened = [];
    private readonly List<string> _locations = [];

    protected ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A migrated store on <see cref="Location"/>.</summary>
    protected ITaskStore Store { get; private set; } = null!;

    protected string Location { get; private set; } = null!;

    /// <summary>Back-off 2 s after a first failed attempt, doubling, at most 60 s.</summary>
    private TaskStoreOptions Options => new() { Clock = Clock, RetryBackoff = TimeSpan.FromSeconds(2), RetryBackoffMax = TimeSpan.FromSeconds(60) };

    /// <summary>A fresh, empty location (nothing migrated yet).</summary>
    protected abstract Task<string> CreateLocationAsync();

    /// <summary>Deletes what <see cref="CreateLocationAsync"/> made.</summary>
    protected abstract Task DropLocationAsync(string location);

    /// <summary>Runs raw SQL at <paramref name="location"/>, bypassing the store (to fake a newer schema).</summary>
    protected abstract Task<object?> ScalarSqlAsync(string location, string sql);

    public async Task InitializeAsync()
    {
        Location = await NewLocationAsync();
        Store = Open(Location);
        await Store.MigrateAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened) await store.DisposeAsync();
        foreach (var location in _locations) await DropLocationAsync(location);
    }

    // ---------------------------------------------------------------- schema

    [Fact]
    public async Task Migrating_again_is_a_no_op_that_keeps_the_data()
    {
        await Store.CreateRunAsync(Run("r1", T("a")), Ct);
        await Store.MigrateAsync(Ct);
        await Open(Location).MigrateAsync(Ct);

        Assert.Equal("r1", Assert.Single(await Store.ListRunsAsync(10, Ct)).RunId);
        var version = ((SqlTaskStore)Store).SchemaVersion;
        Assert.Equal(version, Convert.ToInt32(await ScalarSqlAsync(Location, "SELECT COUNT(*) FROM schema_version")));
        Assert.Equal(version, Convert.ToInt32(await ScalarSqlAsync(Location, "SELECT MAX(version) FROM schema_version")));
    }

    [Fact]
    public async Task Silos_starting_at_once_migrate_a_fresh_store_once()
    {
        var location = await NewLocationAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => Open(location)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));

        var version = ((SqlTaskStore)stores[0]).SchemaVersion;
        Assert.Equal(version, Convert.ToInt32(await ScalarSqlAsync(location, "SELECT COUNT(*) FROM schema_version")));
        await stores[1].CreateRunAsync(Run("r1", T("a")), Ct);
        Assert.NotNull(await stores[2].GetRunAsync("r1", Ct));
    }

    [Fact]
    public async Task A_schema_newer_than_the_code_is_refused()
    {
        var known = ((SqlTaskStore)Store).SchemaVersion;
        await ScalarSqlAsync(Location, $"INSERT INTO schema_version (version, applied_at) SELECT {known + 5}, applied_at FROM schema_version WHERE version = 1");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Open(Location).MigrateAsync(Ct));

        Assert.Contains($"schema is at version {known + 5}, newer than this build of Ensemble knows (version {known})", error.Message);
    }

    [Fact]
    public async Task Ping_answers() => Assert.True(await Store.PingAsync(Ct));

    // ---------------------------------------------------------------- runs

    [Fact]
    public async Task Creating_a_run_makes_tasks_without_dependencies_ready_and_the_rest_pending()
    {
        var created = await Store.CreateRunAsync(Diamond("r1", maxAttempts: 4, teachersMin: 2), Ct);

        Assert.Equal(new RunRecord("r1", "name-r1", "{\"spec\":\"r1\"}", RunState.Queued, 2, Clock.Now, Clock.Now, null), created);
        Assert.Equal(created, await Store.GetRunAsync("r1", Ct));
        var tasks = await Store.GetTasksAsync("r1", Ct);
        Assert.Equal(["a", "b", "c", "d"], tasks.Select(t => t.TaskId));
        Assert.Equal([TaskState.Ready, TaskState.Pending, TaskState.Pending, TaskState.Pending], tasks.Select(t => t.State));
        Assert.All(tasks, t => Assert.Equal((0, 4, 0L, (string?)null, (DateTimeOffset?)null), (t.Attempt, t.MaxAttempts, t.Fence, t.LeaseOwner, t.StartedAt)));
        Assert.Equal(["b", "c"], tasks[3].DependsOn);
        Assert.Empty(tasks[0].DependsOn);
        var submitted = Assert.Single(await Store.ReadEventsAsync("r1", 0, 100, Ct));
        Assert.Equal((EventKinds.RunSubmitted, (string?)null, Clock.Now), (submitted.Kind, submitted.TaskId, submitted.At));
    }

    [Fact]
    public async Task An_unknown_run_has_no_record_and_no_tasks()
    {
        Assert.Null(await Store.GetRunAsync("nope", Ct));
        Assert.Empty(await Store.GetTasksAsync("nope", Ct));
        Assert.Null(await Store.CancelRunAsync("nope", Ct));
    }

    [Fact]
    public async Task A_second_run_with_the_same_id_is_refused()
    {
        await Store.CreateRunAsync(Run("r1", T("a")), Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateRunAsync(Run("r1", T("b")), Ct));

        Assert.Contains("'r1'", error.Message);
        Assert.Equal(["a"], (await Store.GetTasksAsync("r1", Ct)).Select(t => t.TaskId));
    }

    [Fact]
    public async Task A_run_whose_graph_is_malformed_is_refused_before_anything_is_stored()
    {
        var later = await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateRunAsync(Run("r1", T("a", "b"), T("b")), Ct));
        Assert.Contains("task 'a' depends on 'b', which is not an earlier task", later.Message);
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateRunAsync(Run("r1", T("a"), T("a")), Ct));
        Assert.Contains("task id 'a' appears twice", twice.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateRunAsync(Run("r1", maxAttempts: 0, T("a")), Ct));

        Assert.Empty(await Store.ListRunsAsync(10, Ct));
    }

    [Fact]
    public async Task Runs_are_listed_newest_first()
    {
        // Same clock time for all three: the order is the order of submission, not of time or id.
        foreach (var id in new[] { "r-b", "r-c", "r-a" }) await Store.CreateRunAsync(Run(id, T("a")), Ct);

        Assert.Equal(["r-a", "r-c"], (await Store.ListRunsAsync(2, Ct)).Select(r => r.RunId));
        Assert.Equal(["r-a", "r-c", "r-b"], (await Store.ListRunsAsync(10, Ct)).Select(r => r.RunId));
    }

    // ---------------------------------------------------------------- claims and leases

    [Fact]
    public async Task Claims_take_the_oldest_run_first_and_its_tasks_in_plan_order()
    {
        // Ids sort against submission and plan order, so neither can pass for the other.
        await Store.CreateRunAsync(Run("r-z", T("zeta"), T("alpha")), Ct);
        await Store.CreateRunAsync(Run("r-a", T("mid")), Ct);

        var first = await Store.ClaimAsync("s1", Lease, Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.ClaimAsync("s1", Lease, Ct);
        var third = await Store.ClaimAsync("s2", Lease, Ct);

        Assert.Null(await Store.ClaimAsync("s1", Lease, Ct));
        Assert.Equal(
            [new TaskLease("r-z", "zeta", 1, "s1"), new TaskLease("r-z", "alpha", 1, "s1"), new TaskLease("r-a", "mid", 1, "s2")],
            new[] { first, second, third }.Select(c => c!.Lease));
        Assert.Equal(("work", 7, 1, "{\"spec\":\"r-z\"}", Clock.Now - TimeSpan.FromSeconds(1) + Lease),
            (first!.Kind, first.Index, first.Attempt, first.SpecJson, first.ExpiresAt));

        var run = (await Store.GetRunAsync("r-z", Ct))!;
        Assert.Equal((RunState.Running, Clock.Now - TimeSpan.FromSeconds(1)), (run.State, run.UpdatedAt));
        var zeta = (await Store.GetTasksAsync("r-z", Ct))[0];
        Assert.Equal((TaskState.Running, 1, 1L, "s1", first.ExpiresAt, first.ExpiresAt - Lease),
            (zeta.State, zeta.Attempt, zeta.Fence, zeta.LeaseOwner, zeta.LeaseExpiresAt, zeta.StartedAt));
        var claimed = (await Store.ReadEventsAsync("r-z", 0, 100, Ct)).Where(e => e.Kind == EventKinds.TaskClaimed).ToList();
        Assert.Equal(["zeta", "alpha"], claimed.Select(e => e.TaskId));
    }

    [Fact]
    public async Task Renewal_extends_a_held_lease_from_now()
    {
        await Store.CreateRunAsync(Run("r1", T("a")), Ct);
        var claim = (await Store.ClaimAsync("s1", Lease, Ct))!;
        Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(LeaseStatus.Held, await Store.RenewAsync(claim.Lease, TimeSpan.FromSeconds(45), Ct));

        Assert.Equal(Clock.Now + TimeSpan.FromSeconds(45), (await Store.GetTasksAsync("r1", Ct))[0].LeaseExpiresAt);
        Assert.Equal(LeaseStatus.Held, await Store.CheckLeaseAsync(claim.Lease, Ct));
        Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(0, await Store.ExpireLeasesAsync(null, Ct));
    }

    [Fact]
    public async Task Writes_under_a_stale_fence_are_refused_and_change_nothing()
    {
        await Store.CreateRunAsync(Run("r1", T("a"), T("b", "a")), Ct);
        var stale = (await Store.ClaimAsync("s1", TimeSpan.FromSeconds(10), Ct))!.Lease;
        Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, await Store.ExpireLeasesAsync(null, Ct));
        Clock.Advance(TimeSpan.FromSeconds(2));
        var current = (await Store.ClaimAsync("s2", Lease, Ct))!;
        Assert.Equal(new TaskLease("r1", "a", 2, "s2"), current.Lease);
        Assert.True(await Store.RecordArtifactAsync(current.Lease, Artifact(current.Lease, "kept.bin", "11"), Ct));
        var before = await SnapshotAsync("r1");
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(await Store.CompleteAsync(stale, new TaskCompletion("{\"stale\":true}", [Artifact(stale, "kept.bin", "66")]), Ct));
        Assert.False(await Store.RecordArtifactAsync(stale, Artifact(stale, "other.bin", "77"), Ct));
        Assert.False(await Store.ReportProgressAsync(stale, "{\"epoch\":9}", "stale progress", Ct));
        Assert.Equal(FailureOutcome.Refused, await Store.FailAsync(stale, "stale failure", Ct));
        Assert.False(await Store.ReleaseAsync(stale, "stale release", Ct));
        Assert.Equal(LeaseStatus.Lost, await Store.RenewAsync(stale, Lease, Ct));
        Assert.Equal(LeaseStatus.Lost, await Store.CheckLeaseAsync(stale, Ct));
        // A fence from the future is no better than one from the past.
        Assert.False(await Store.CompleteAsync(current.Lease with { Fence = 3 }, new TaskCompletion("{}", []), Ct));

        Assert.Equal(before, await SnapshotAsync("r1"));
        Assert.True(await Store.CompleteAsync(current.Lease, new TaskCompletion("{}", []), Ct));
    }

    [Fact]
    public async Task An_expired_lease_is_retried_after_the_backoff_which_doubles()
    {
        await Store.CreateRunAsync(Run("r1", maxAttempts: 3, T("a")), Ct);
        var first = (await Store.ClaimAsync("s1", TimeSpan.FromSeconds(10), Ct))!;
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await Store.ExpireLeasesAsync(null, Ct)); // lapses strictly after its expiry
        Clock.Advance(TimeSpan.FromTicks(10)); // one microsecond later it has

        Assert.Equal(1, await Store.ExpireLeasesAsync(null, Ct));

        var task = (await Store.GetTasksAsync("r1", Ct))[0];
        Assert.Equal((TaskState.Ready, 1, Clock.Now + TimeSpan.FromSeconds(2), "lease of silo s1 expired", (string?)null, (DateTimeOffset?)null),
            (task.State, task.Attempt, task.NotBefore, task.Error, task.LeaseOwner, task.LeaseExpiresAt));
        var kinds = (await Store.ReadEventsAsync("r1", 0, 100, Ct)).Select(e => e.Kind).ToList();
        Assert.Equal([EventKinds.LeaseExpired, EventKinds.TaskRetry], kinds[^2..]);
        Assert.Equal(LeaseStatus.Lost, await Store.RenewAsync(first.Lease, Lease, Ct));

        Clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Null(await Store.ClaimAsync("s2", Lease, Ct));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = (await Store.ClaimAsync("s2", Lease, Ct))!;
        Assert.Equal((2, 2L), (second.Attempt, second.Lease.Fence));

        // Attempt 2 failed: 2 s doubled.
        Assert.Equal(FailureOutcome.WillRetry, await Store.FailAsync(second.Lease, "boom", Ct));
        task = (await Store.GetTasksAsync("r1", Ct))[0];
        Assert.Equal((TaskState.Ready, Clock.Now + TimeSpan.FromSeconds(4), "boom"), (task.State, task.NotBefore, task.Error));
    }

    [Fact]
    public async Task Expiring_a_silo_takes_every_lease_it_holds_whether_lapsed_or_not()
    {
        await Store.CreateRunAsync(Run("r1", T("a"), T("b"), T("c")), Ct);
        await Store.ClaimAsync("s1", TimeSpan.FromHours(1), Ct);
        await Store.ClaimAsync("s2", TimeSpan.FromHours(1), Ct);
        await Store.ClaimAsync("s1", TimeSpan.FromHours(1), Ct);

        Assert.Equal(2, await Store.ExpireLeasesAsync("s1", Ct));

        var tasks = await Store.GetTasksAsync("r1", Ct);
        Assert.Equal([TaskState.Ready, TaskState.Running, TaskState.Ready], tasks.Select(t => t.State));
        Assert.Equal(["lease of silo s1 expired", null, "lease of silo s1 expired"], tasks.Select(t => t.Error));
        Assert.Equal(0, await Store.ExpireLeasesAsync(null, Ct));
        Assert.Equal(0, await Store.ExpireLeasesAsync("s1", Ct));
    }

    [Fact]
    public async Task Release_hands_a_task_back_at_once_without_using_an_attempt()
    {
        await Store.CreateRunAsync(Run("r1", maxAttempts: 1, T("a")), Ct);
        var first = (await Store.ClaimAsync("s1", Lease, Ct))!;

        Assert.True(await Store.ReleaseAsync(first.Lease, "silo shutting down", Ct));

        var task = (await Store.GetTasksAsync("r1", Ct))[0];
        Assert.Equal((TaskState.Ready, 0, 1L, (string?)null, (DateTimeOffset?)null), (task.State, task.Attempt, task.Fence, task.LeaseOwner, task.NotBefore));
        var released = (await Store.ReadEventsAsync("r1", 0, 100, Ct))[^1];
        Assert.Equal(EventKinds.TaskReleased, released.Kind);
        Assert.Contains("silo shutting down", released.Message);
        var second = (await Store.ClaimAsync("s2", Lease, Ct))!;
        Assert.Equal((1, 2L), (second.Attempt, second.Lease.Fence));
        Assert.False(await Store.ReleaseAsync(first.Lease, "again", Ct));
    }

    [Fact]
    public async Task Concurrent_claimers_on_separate_connections_each_get_a_different_task()
    {
        var ids = Enumerable.Range(0, 20).Select(i => $"t{i:00}").ToArray();
        await Store.CreateRunAsync(Run("r1", ids.Select(id => T(id)).ToArray()), Ct);
        var claimers = Enumerable.Range(0, 8).Select(_ => Open(Location)).ToList();

        var claims = await Task.WhenAll(claimers.Select((store, i) => Task.Run(async () =>
        {
            var mine = new List<TaskClaim>();
            while (await store.ClaimAsync($"s{i}", Lease, Ct) is { } claim) mine.Add(claim);
            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(ids, all.Select(c => c.Lease.TaskId).Order(StringComparer.Ordinal));
        Assert.All(all, c => Assert.Equal((1, 1L), (c.Attempt, c.Lease.Fence)));
        Assert.All(await Store.GetTasksAsync("r1", Ct), t => Assert.Equal((TaskState.Running, 1L), (t.State, t.Fence)));
        Assert.Equal(20, (await Store.ReadEventsAsync("r1", 0, 100, Ct)).Count(e => e.Kind == EventKinds.TaskClaimed));
    }

    // ---------------------------------------------------------------- completion and dependencies

    [Fact]
    public async Task Completion_records_result_and_artifacts_and_readies_a_dependent_only_when_all_its_dependencies_finish()
    {
        await Store.CreateRunAsync(Diamond("r1"), Ct);
        var a = (await Store.ClaimAsync("s1", Lease, Ct))!;
        Clock.Advance(TimeSpan.FromSeconds(5));
        var artifact = Artifact(a.Lease, "tasks/a/out.bin", "aa");

        Assert.True(await Store.CompleteAsync(a.Lease, new TaskCompletion("{\"accuracy\":0.5}", [artifact]), Ct));

        var tasks = await Store.GetTasksAsync("r1", Ct);
        Assert.Equal((TaskState.Succeeded, "{\"accuracy\":0.5}", Clock.Now, (string?)null, (DateTimeOffset?)null),
            (tasks[0].State, tasks[0].ResultJson, tasks[0].FinishedAt, tasks[0].LeaseOwner, tasks[0].LeaseExpiresAt));
        Assert.Equal([TaskState.Ready, TaskState.Ready, TaskState.Pending], tasks.Skip(1).Select(t => t.State));
        Assert.Equal(artifact, await Store.GetArtifactAsync("r1", "tasks/a/out.bin", Ct));
        Assert.Equal(LeaseStatus.Lost, await Store.CheckLeaseAsync(a.Lease, Ct));

        var b = (await Store.ClaimAsync("s1", Lease, Ct))!;
        var c = (await Store.ClaimAsync("s2", Lease, Ct))!;
        Assert.Equal(("b", "c"), (b.Lease.TaskId, c.Lease.TaskId));
        Assert.True(await Store.CompleteAsync(b.Lease, new TaskCompletion("{}", []), Ct));
        Assert.Equal(TaskState.Pending, (await Store.GetTasksAsync("r1", Ct))[3].State);
        Assert.Equal(RunState.Running, (await Store.GetRunAsync("r1", Ct))!.State);
        Assert.True(await Store.CompleteAsync(c.Lease, new TaskCompletion("{}", []), Ct));
        Assert.Equal(TaskState.Ready, (await Store.GetTasksAsync("r1", Ct))[3].State);

        var d = (await Store.ClaimAsync("s1", Lease, Ct))!;
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Store.CompleteAsync(d.Lease, new TaskCompletion("{}", []), Ct));
        var run = (await Store.GetRunAsync("r1", Ct))!;
        Assert.Equal((RunState.Succeeded, Clock.Now, (string?)null), (run.State, run.UpdatedAt, run.Error));
        var events = await Store.ReadEventsAsync("r1", 0, 100, Ct);
        Assert.Equal([EventKinds.TaskSucceeded, EventKinds.RunSucceeded], events.Select(e => e.Kind).ToArray()[^2..]);
        Assert.Equal(4, events.Count(e => e.Kind == EventKinds.TaskSucceeded));
        Assert.False(await Store.CompleteAsync(d.Lease, new TaskCompletion("{}", []), Ct));
    }

    [Fact]
    public async Task Siblings_completing_at_once_on_separate_connections_still_ready_their_join()
    {
        var other = Open(Location);
        for (var i = 0; i < 5; i++)
        {
            var runId = $"r{i}";
            await Store.CreateRunAsync(Diamond(runId), Ct);
            var a = (await Store.ClaimAsync("s1", Lease, Ct))!;
            await Store.CompleteAsync(a.Lease, new TaskCompletion("{}", []), Ct);
            var b = (await Store.ClaimAsync("s1", Lease, Ct))!;
            var c = (await other.ClaimAsync("s2", Lease, Ct))!;

            var done = await Task.WhenAll(
                Task.Run(() => Store.CompleteAsync(b.Lease, new TaskCompletion("{}", []), Ct)),
                Task.Run(() => other.CompleteAsync(c.Lease, new TaskCompletion("{}", []), Ct)));

            Assert.Equal([true, true], done);
            Assert.Equal(TaskState.Ready, (await Store.GetTasksAsync(runId, Ct))[3].State);
            var d = (await Store.ClaimAsync("s1", Lease, Ct))!;
            await Store.CompleteAsync(d.Lease, new TaskCompletion("{}", []), Ct);
        }
    }

    [Fact]
    public async Task Artifacts_are_replaced_by_name_and_listed_by_name()
    {
        await Store.CreateRunAsync(Run("r1", T("a")), Ct);
        var lease = (await Store.ClaimAsync("s1", Lease, Ct))!.Lease;
        Assert.True(await Store.RecordArtifactAsync(lease, Artifact(lease, "x/model.bin", "01", 10), Ct));
        // 3.000001 s: times keep (at least) microseconds, so records read back equal those written.
        Clock.Advance(TimeSpan.FromTicks(30_000_010));
        var replacement = Artifact(lease, "x/model.bin", "02", 20);
        Assert.True(await Store.RecordArtifactAsync(lease, replacement, Ct));
        var other = Artifact(lease, "a.json", "03", 30);
        Assert.True(await Store.RecordArtifactAsync(lease, other, Ct));

        Assert.Equal([other, replacement], await Store.ListArtifactsAsync("r1", Ct));
        Assert.Equal(replacement, await Store.GetArtifactAsync("r1", "x/model.bin", Ct));
        Assert.Null(await Store.GetArtifactAsync("r1", "missing", Ct));
        Assert.Empty(await Store.ListArtifactsAsync("other-run", Ct));
        var wrong = await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.RecordArtifactAsync(lease, Artifact(lease with { TaskId = "b" }, "b.bin", "04"), Ct));
        Assert.Contains("r1:b", wrong.Message);
    }

    [Fact]
    public async Task Progress_is_recorded_on_the_task_with_an_event()
    {
        await Store.CreateRunAsync(Run("r1", T("a")), Ct);
        var lease = (await Store.ClaimAsync("s1", Lease, Ct))!.Lease;

        Assert.True(await Store.ReportProgressAsync(lease, "{\"epoch\":3}", "epoch 3 of 10", Ct));

        Assert.Equal("{\"epoch\":3}", (await Store.GetTasksAsync("r1", Ct))[0].ProgressJson);
        var progress = (await Store.ReadEventsAsync("r1", 0, 100, Ct))[^1];
        Assert.Equal((EventKinds.TaskProgress, "a", "epoch 3 of 10", "{\"epoch\":3}"), (progress.Kind, progress.TaskId, progress.Message, progress.DataJson));
    }

    // ---------------------------------------------------------------- failures and the teacher quorum

    [Fact]
    public async Task A_task_out_of_attempts_fails_and_takes_its_run_and_unfinished_tasks_with_it()
    {
        await Store.CreateRunAsync(Run("r1", maxAttempts: 2, T("a"), T("x"), T("b", "a")), Ct);
        var a1 = (await Store.ClaimAsync("s1", Lease, Ct))!;
        var x = (await Store.ClaimAsync("s2", Lease, Ct))!;
        Assert.Equal(FailureOutcome.WillRetry, await Store.FailAsync(a1.Lease, "flaky", Ct));
        Clock.Advance(TimeSpan.FromSeconds(2));
        var a2 = (await Store.ClaimAsync("s1", Lease, Ct))!;
        Assert.Equal(("a", 2), (a2.Lease.TaskId, a2.Attempt));

        Assert.Equal(FailureOutcome.RunFailed, await Store.FailAsync(a2.Lease, "out of memory", Ct));

        var run = (await Store.GetRunAsync("r1", Ct))!;
        Assert.Equal((RunState.Failed, "task 'a' failed: out of memory", Clock.Now), (run.State, run.Error, run.UpdatedAt));
        var tasks = await Store.GetTasksAsync("r1", Ct);
        Assert.Equal([TaskState.Failed, TaskState.Cancelled, TaskState.Cancelled], tasks.Select(t => t.State));
        Assert.Equal(("out of memory", Clock.Now), (tasks[0].Error, tasks[0].FinishedAt));
        Assert.All(tasks, t => Assert.Null(t.LeaseOwner));
        var kinds = (await Store.ReadEventsAsync("r1", 0, 100, Ct)).Select(e => e.Kind).ToArray();
        Assert.Equal([EventKinds.TaskFailed, EventKinds.RunFailed], kinds[^2..]);
        // The other running attempt learns it at its next heartbeat and can no longer write.
        Assert.Equal(LeaseStatus.Cancelled, await Store.RenewAsync(x.Lease, Lease, Ct));
        Assert.False(await Store.CompleteAsync(x.Lease, new TaskCompletion("{}", []), Ct));
        Assert.Null(await Store.ClaimAsync("s1", Lease, Ct));
    }

    [Fact]
    public async Task A_teacher_failing_above_the_quorum_is_excused_and_the_others_carry_the_run()
    {
        await Store.CreateRunAsync(Teachers("r1"), Ct);
        var teachers = new[] { (await Store.ClaimAsync("s1", Lease, Ct))!, (await Store.ClaimAsync("s1", Lease, Ct))!, (await Store.ClaimAsync("s2", Lease, Ct))! };

        Assert.Equal(FailureOutcome.Excused, await Store.FailAsync(teachers[0].Lease, "diverged", Ct));

        var tasks = await Store.GetTasksAsync("r1", Ct);
        Assert.Equal((TaskState.Failed, "diverged"), (tasks[0].State, tasks[0].Error));
        Assert.Equal(TaskState.Pending, tasks[3].State);
        Assert.Equal(RunState.Running, (await Store.GetRunAsync("r1", Ct))!.State);
        Assert.True(await Store.CompleteAsync(teachers[1].Lease, new TaskCompletion("{}", []), Ct));
        Assert.Equal(TaskState.Pending, (await Store.GetTasksAsync("r1", Ct))[3].State);
        Assert.True(await Store.CompleteAsync(teachers[2].Lease, new TaskCompletion("{}", []), Ct));
        Assert.Equal(TaskState.Ready, (await Store.GetTasksAsync("r1", Ct))[3].State);

        var aggregate = (await Store.ClaimAsync("s1", Lease, Ct))!;
        Assert.Equal(("aggregate", "aggregate"), (aggregate.Lease.TaskId, aggregate.Kind));
        Assert.True(await Store.CompleteAsync(aggregate.Lease, new TaskCompletion("{}", []), Ct));
        Assert.Equal(RunState.Succeeded, (await Store.GetRunAsync("r1", Ct))!.State);
    }

    [Fact]
    public async Task A_teacher_failing_below_the_quorum_fails_the_run()
    {
        await Store.CreateRunAsync(Teachers("r1"), Ct);
        var teachers = new[] { (await Store.ClaimAsync("s1", Lease, Ct))!, (await Store.ClaimAsync("s1", Lease, Ct))!, (await Store.ClaimAsync("s2", Lease, Ct))! };
        Assert.Equal(FailureOutcome.Excused, await Store.FailAsync(teachers[0].Lease, "diverged", Ct));

        Assert.Equal(FailureOutcome.RunFailed, await Store.FailAsync(teachers[1].Lease, "nan loss", Ct));

        var run = (await Store.GetRunAsync("r1", Ct))!;
        Assert.Equal((RunState.Failed, "task 'teacher/1' failed: nan loss"), (run.State, run.Error));
        Assert.Equal([TaskState.Failed, TaskState.Failed, TaskState.Cancelled, TaskState.Cancelled],
            (await Store.GetTasksAsync("r1", Ct)).Select(t => t.State));
        Assert.Equal(LeaseStatus.Cancelled, await Store.CheckLeaseAsync(teachers[2].Lease, Ct));
    }

    [Fact]
    public async Task An_expired_teacher_lease_follows_the_same_quorum_rule()
    {
        await Store.CreateRunAsync(Teachers("r1"), Ct);
        await Store.ClaimAsync("s1", Lease, Ct);
        await Store.ClaimAsync("s2", Lease, Ct);

        Assert.Equal(1, await Store.ExpireLeasesAsync("s1", Ct));

        var teacher = (await Store.GetTasksAsync("r1", Ct))[0];
        Assert.Equal((TaskState.Failed, "lease of silo s1 expired"), (teacher.State, teacher.Error));
        Assert.Equal(RunState.Running, (await Store.GetRunAsync("r1", Ct))!.State);
    }

    // ---------------------------------------------------------------- cancel

    [Fact]
    public async Task Cancelling_a_run_cancels_its_unfinished_tasks_and_its_running_attempts_learn_it_at_the_next_heartbeat()
    {
        await Store.CreateRunAsync(Run("r1", T("a"), T("b", "a")), Ct);
        var lease = (await Store.ClaimAsync("s1", Lease, Ct))!.Lease;
        Clock.Advance(TimeSpan.FromSeconds(1));

        var cancelled = (await Store.CancelRunAsync("r1", Ct))!;

        Assert.Equal((RunState.Cancelled, Clock.Now), (cancelled.State, cancelled.UpdatedAt));
        var tasks = await Store.GetTasksAsync("r1", Ct);
        Assert.All(tasks, t => Assert.Equal((TaskState.Cancelled, Clock.Now, (string?)null), (t.State, t.FinishedAt, t.LeaseOwner)));
        Assert.Equal(EventKinds.RunCancelled, (await Store.ReadEventsAsync("r1", 0, 100, Ct))[^1].Kind);
        Assert.Equal(LeaseStatus.Cancelled, await Store.RenewAsync(lease, Lease, Ct));
        Assert.Equal(LeaseStatus.Cancelled, await Store.CheckLeaseAsync(lease, Ct));
        Assert.False(await Store.CompleteAsync(lease, new TaskCompletion("{}", []), Ct));
        Assert.False(await Store.ReportProgressAsync(lease, "{}", "late", Ct));
        Assert.Null(await Store.ClaimAsync("s2", Lease, Ct));

        // Cancelling again changes nothing.
        var events = (await Store.ReadEventsAsync("r1", 0, 100, Ct)).Count;
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(cancelled, await Store.CancelRunAsync("r1", Ct));
        Assert.Equal(events, (await Store.ReadEventsAsync("r1", 0, 100, Ct)).Count);
    }

    [Fact]
    public async Task A_finished_run_is_returned_unchanged_by_cancel()
    {
        await Store.CreateRunAsync(Run("r1", T("a")), Ct);
        var lease = (await Store.ClaimAsync("s1", Lease, Ct))!.Lease;
        await Store.CompleteAsync(lease, new TaskCompletion("{}", []), Ct);
        var finished = (await Store.GetRunAsync("r1", Ct))!;
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(finished, await Store.CancelRunAsync("r1", Ct));
        Assert.Equal(TaskState.Succeeded, (await Store.GetTasksAsync("r1", Ct))[0].State);
    }

    // ---------------------------------------------------------------- events, silos, metrics

    [Fact]
    public async Task Appended_events_get_increasing_ids_and_are_read_after_an_id_in_order()
    {
        await Store.CreateRunAsync(Run("r1", T("a")), Ct);
        await Store.CreateRunAsync(Run("r2", T("a")), Ct);
        var at = Clock.Now + TimeSpan.FromMinutes(1);

        var first = await Store.AppendEventAsync(new RunEvent(0, "r1", at, "a", "note", "one", "{\"n\":1}"), Ct);
        var foreign = await Store.AppendEventAsync(new RunEvent(0, "r2", at, null, "note", "elsewhere"), Ct);
        var second = await Store.AppendEventAsync(new RunEvent(0, "r1", at, null, "note", "two"), Ct);

        Assert.True(first.Id > 0 && foreign.Id > first.Id && second.Id > foreign.Id);
        Assert.Equal(new RunEvent(first.Id, "r1", at, "a", "note", "one", "{\"n\":1}"), first);
        var all = await Store.ReadEventsAsync("r1", 0, 100, Ct);
        Assert.Equal([EventKinds.RunSubmitted, "note", "note"], all.Select(e => e.Kind));
        Assert.True(all[0].Id < first.Id);
        Assert.Equal([first], await Store.ReadEventsAsync("r1", all[0].Id, 1, Ct));
        Assert.Equal([second], await Store.ReadEventsAsync("r1", first.Id, 100, Ct));
        Assert.Empty(await Store.ReadEventsAsync("r1", second.Id, 100, Ct));
    }

    [Fact]
    public async Task Silos_show_their_heartbeat_slots_and_the_tasks_they_hold()
    {
        var started = Clock.Now;
        await Store.RegisterSiloAsync("s1", "host-1", "http://host-1:5000", 2, Ct);
        await Store.RegisterSiloAsync("s2", "host-2", null, 1, Ct);
        await Store.CreateRunAsync(Run("r1", T("a"), T("b"), T("c")), Ct);
        await Store.ClaimAsync("s1", Lease, Ct);
        await Store.ClaimAsync("s2", Lease, Ct);
        await Store.ClaimAsync("s1", Lease, Ct);
        Clock.Advance(TimeSpan.FromSeconds(5));
        await Store.HeartbeatSiloAsync("s1", Ct);
        await Store.StopSiloAsync("s2", Ct);

        var silos = await Store.ListSilosAsync(Ct);

        Assert.Equal(2, silos.Count);
        Assert.Equal(("s1", "host-1", "http://host-1:5000", 2, started, Clock.Now, false),
            (silos[0].SiloId, silos[0].Host, silos[0].Url, silos[0].Slots, silos[0].StartedAt, silos[0].HeartbeatAt, silos[0].Stopped));
        Assert.Equal(["r1:a", "r1:c"], silos[0].RunningTasks);
        Assert.Equal(("s2", (string?)null, 1, started, true), (silos[1].SiloId, silos[1].Url, silos[1].Slots, silos[1].HeartbeatAt, silos[1].Stopped));
        Assert.Equal(["r1:b"], silos[1].RunningTasks);

        // Registering again is a restart: started now, no longer stopped.
        await Store.RegisterSiloAsync("s2", "host-2b", null, 4, Ct);
        var restarted = (await Store.ListSilosAsync(Ct))[1];
        Assert.Equal(("host-2b", 4, Clock.Now, Clock.Now, false), (restarted.Host, restarted.Slots, restarted.StartedAt, restarted.HeartbeatAt, restarted.Stopped));
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.HeartbeatSiloAsync("s9", Ct));
        Assert.Contains("'s9'", unknown.Message);
    }

    [Fact]
    public async Task Tasks_are_counted_by_kind_and_state()
    {
        await Store.CreateRunAsync(Teachers("r1"), Ct);
        await Store.CreateRunAsync(Run("r2", T("a")), Ct);
        await Store.ClaimAsync("s1", Lease, Ct);

        var counts = await Store.CountTasksAsync(Ct);

        Assert.Equal(4, counts.Count);
        Assert.Equal(1, counts[("teacher", TaskState.Running)]);
        Assert.Equal(2, counts[("teacher", TaskState.Ready)]);
        Assert.Equal(1, counts[("aggregate", TaskState.Pending)]);
        Assert.Equal(1, counts[("work", TaskState.Ready)]);
    }

    [Fact]
    public async Task Runs_are_counted_by_state()
    {
        await Store.CreateRunAsync(Teachers("r1"), Ct);
        await Store.CreateRunAsync(Run("r2", T("a")), Ct);
        await Store.CreateRunAsync(Run("r3", T("b")), Ct);
        await Store.ClaimAsync("s1", Lease, Ct); // r1's first teacher: r1 is running
        await Store.CancelRunAsync("r3", Ct);

        var counts = await Store.CountRunsAsync(Ct);

        Assert.Equal(new Dictionary<RunState, int> { [RunState.Running] = 1, [RunState.Queued] = 1, [RunState.Cancelled] = 1 }, counts.OrderBy(c => c.Key).ToDictionary());
    }

    // ---------------------------------------------------------------- helpers

    protected async Task<string> NewLocationAsync()
    {
        var location = await CreateLocationAsync();
        _locations.Add(location);
        return location;
    }

    protected ITaskStore Open(string location)
    {
        var store = TaskStoreFactory.Open(location, Options);
        _opened.Add(store);
        return store;
    }

    private static NewTask T(string id, params string[] dependsOn) => new(id, "work", 7, dependsOn);

    private static NewRun Run(string id, params NewTask[] tasks) => Run(id, maxAttempts: 3, tasks);

    private static NewRun Run(string id, int maxAttempts, params NewTask[] tasks) =>
        new(id, $"name-{id}", $"{{\"spec\":\"{id}\"}}", tasks, TeachersMin: 1, maxAttempts);

    /// <summary>a → (b, c) → d.</summary>
    private static NewRun Diamond(string id, int maxAttempts = 3, int teachersMin = 1) =>
        Run(id, maxAttempts, T("a"), T("b", "a"), T("c", "a"), T("d", "b", "c")) with { TeachersMin = teachersMin };

    /// <summary>Three teachers, quorum two, one attempt each, and an aggregate that needs them all.</summary>
    private static NewRun Teachers(string id) =>
        new(id, $"name-{id}", "{}",
            [
                new NewTask("teacher/0", "teacher", 0, []), new NewTask("teacher/1", "teacher", 1, []), new NewTask("teacher/2", "teacher", 2, []),
                new NewTask("aggregate", "aggregate", 0, ["teacher/0", "teacher/1", "teacher/2"]),
            ],
            TeachersMin: 2, MaxAttempts: 1);

    private ArtifactRecord Artifact(TaskLease lease, string name, string sha256, long size = 1) =>
        new(lease.RunId, name, sha256, size, lease.TaskId, Clock.Now);

    /// <summary>Everything the store holds about a run, as text, to compare before and after.</summary>
    private async Task<string> SnapshotAsync(string runId)
    {
        var run = await Store.GetRunAsync(runId, Ct);
        var tasks = (await Store.GetTasksAsync(runId, Ct)).Select(t => $"{t with { DependsOn = [] }} <- {string.Join(",", t.DependsOn)}");
        var artifacts = (await Store.ListArtifactsAsync(runId, Ct)).Select(a => a.ToString());
        var events = (await Store.ReadEventsAsync(runId, 0, 1000, Ct)).Select(e => e.ToString());
        return string.Join("\n", [run!.ToString(), .. tasks, .. artifacts, .. events]);
    }
}
