using System.Globalization;
using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Ensemble.Grains.Runs;

/// <summary>
/// The orchestrator of one run (<see cref="IRunGrain"/>): a state machine over its persistent state. Each change is
/// one state write; an attempt's calls are checked against the task's current fence before anything changes.
/// While the run has unfinished tasks a keep-alive timer places ready ones on free slots, and a reminder
/// (<see cref="RunPolicy.SafetyNetPeriod"/>) brings the grain back if it is ever left inactive.
/// </summary>
public sealed partial class RunGrain(
    [PersistentState("run", StorageNames.Ensemble)] IPersistentState<RunGrainState> state,
    IOptions<RunPolicy> policy,
    IClusterMembershipService membership,
    ISiloMetadataCache siloMetadata,
    TimeProvider clock,
    ILogger<RunGrain> logger) : Grain, IRunGrain, IRemindable
{
    /// <summary>The name of an unfinished run's safety-net reminder.</summary>
    public const string SafetyNetReminder = "safety-net";

    private readonly RunPolicy _policy = policy.Value;
    private IGrainTimer? _timer;
    private DateTimeOffset _nextPlacement;
    private int _placementMisses;

    private RunGrainState S => state.State;

    private RunRecord Run => S.Run ?? throw new InvalidOperationException($"run '{this.GetPrimaryKeyString()}' does not exist");

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Run is { } run && !StateNames.IsTerminal(run.State))
        {
            await ReconcileAsync().ConfigureAwait(true);
            KeepPlacing();
        }
    }

    /// <inheritdoc/>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SafetyNetReminder) return;
        // An unfinished run reconciles and places now (when this tick is what activated the grain, its activation has
        // reconciled already and this pass finds nothing more); a finished one lets the reminder go.
        if (S.Run is { } run && !StateNames.IsTerminal(run.State)) await Wake().ConfigureAwait(true);
        else await DropSafetyNetAsync().ConfigureAwait(true);
    }

    /// <inheritdoc/>
    public async Task<RunSnapshot> Submit(NewRun run)
    {
        NewRunValidator.Validate(run);
        if (run.RunId != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"run id '{run.RunId}' does not match the grain's key '{this.GetPrimaryKeyString()}'", nameof(run));
        }

        if (S.Run is not null) throw new InvalidOperationException($"a run with id '{run.RunId}' exists already");
        var now = Now;
        S.Run = new RunRecord(run.RunId, run.Name, run.SpecJson, RunState.Queued, run.TeachersMin, now, now, null);
        S.MaxAttempts = run.MaxAttempts;
        S.Tasks = [.. run.Tasks.Select(t => new TaskRecord(run.RunId, t.TaskId, t.Kind, t.Index,
            t.DependsOn.Count == 0 ? TaskState.Ready : TaskState.Pending, 0, run.MaxAttempts, 0, null, null, null, null, null, null, null,
            [.. t.DependsOn]))];
        Emit(null, EventKinds.RunSubmitted, $"run '{run.RunId}' ({run.Name}) submitted with {run.Tasks.Count} tasks");
        await SaveAsync().ConfigureAwait(true);
        await RegisterSafetyNetAsync().ConfigureAwait(true);
        await PlaceReadyAsync().ConfigureAwait(true);
        KeepPlacing();
        return Snapshot();
    }

    /// <inheritdoc/>
    public Task<RunSnapshot?> Get() => Task.FromResult(S.Run is null ? null : Snapshot());

    /// <inheritdoc/>
    public async Task<RunSnapshot?> Cancel()
    {
        if (S.Run is not { } run) return null;
        if (StateNames.IsTerminal(run.State)) return Snapshot();
        var running = S.Tasks.Where(t => t.State == TaskState.Running).ToList();
        CancelUnfinished();
        SetRun(RunState.Cancelled, null);
        Emit(null, EventKinds.RunCancelled, $"run '{run.RunId}' cancelled");
        await SaveAsync().ConfigureAwait(true);
        // Told after this call, not within it: a draining task grain answers only once its attempt has handed the
        // task back to this grain, and that hand-back would wait behind this call.
        foreach (var task in running) _ = StopAttemptAsync(run.RunId, task);
        return Snapshot();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunEvent>> ReadEvents(long afterId, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Task.FromResult<IReadOnlyList<RunEvent>>([.. S.Events.Where(e => e.Id > afterId).Take(limit)]);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ArtifactRecord>> ListArtifacts() =>
        Task.FromResult<IReadOnlyList<ArtifactRecord>>([.. S.Artifacts.Values.OrderBy(a => a.Name, StringComparer.Ordinal)]);

    /// <inheritdoc/>
    public async Task Wake()
    {
        if (S.Run is not { } run || StateNames.IsTerminal(run.State)) return;
        await ReconcileAsync().ConfigureAwait(true);
        await PlaceReadyAsync().ConfigureAwait(true);
        KeepPlacing();
    }

    /// <inheritdoc/>
    public Task<AttemptStatus> CheckAttempt(string taskId, long fence)
    {
        var task = Find(taskId);
        if (task is { State: TaskState.Running } && task.Fence == fence) return Task.FromResult(AttemptStatus.Current);
        return Task.FromResult(task?.State == TaskState.Cancelled || S.Run?.State == RunState.Cancelled
            ? AttemptStatus.Cancelled
            : AttemptStatus.Superseded);
    }

    /// <inheritdoc/>
    public async Task<bool> AttemptStarted(string taskId, long fence, string message)
    {
        if (Current(taskId, fence) is null) return false;
        Emit(taskId, EventKinds.TaskStarted, message);
        await SaveAsync().ConfigureAwait(true);
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> ReportProgress(string taskId, long fence, string progressJson, string message)
    {
        ArgumentNullException.ThrowIfNull(progressJson);
        if (Current(taskId, fence) is not { } task) return false;
        Replace(task with { ProgressJson = progressJson });
        Emit(taskId, EventKinds.TaskProgress, message, progressJson);
        await SaveAsync().ConfigureAwait(true);
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> Complete(string taskId, long fence, TaskCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (Current(taskId, fence) is not { } task) return false;
        // Every artifact is checked before any is recorded: a refused completion leaves nothing behind for the next write.
        if (completion.Artifacts.FirstOrDefault(a => a.RunId != Run.RunId || a.TaskId != taskId) is { } foreign)
        {
            throw new ArgumentException($"artifact '{foreign.Name}' belongs to {foreign.RunId}:{foreign.TaskId}, not to {Run.RunId}:{taskId}",
                nameof(completion));
        }

        foreach (var artifact in completion.Artifacts) S.Artifacts[artifact.Name] = artifact;

        Replace(task with { State = TaskState.Succeeded, ResultJson = completion.ResultJson, FinishedAt = Now, Silo = null });
        S.RunningOn.Remove(taskId);
        Emit(taskId, EventKinds.TaskSucceeded, $"{taskId} succeeded ({completion.Artifacts.Count} artifacts)");
        Advance();
        await SaveAsync().ConfigureAwait(true);
        await PlaceReadyAsync().ConfigureAwait(true);
        return true;
    }

    /// <inheritdoc/>
    public async Task<FailureOutcome> Fail(string taskId, long fence, string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Current(taskId, fence) is not { } task) return FailureOutcome.Refused;
        var outcome = FailAttempt(task, error, backoff: true);
        await SaveAsync().ConfigureAwait(true);
        if (outcome == FailureOutcome.Excused) await PlaceReadyAsync().ConfigureAwait(true);
        return outcome;
    }

    /// <inheritdoc/>
    public async Task<bool> Release(string taskId, long fence, string reason)
    {
        if (Current(taskId, fence) is not { } task) return false;
        var silo = task.Silo;
        Replace(task with { State = TaskState.Ready, Attempt = task.Attempt - 1, NotBefore = null, Silo = null });
        S.RunningOn.Remove(taskId);
        Emit(taskId, EventKinds.TaskReleased, $"{taskId} released by silo {silo}: {reason}");
        await SaveAsync().ConfigureAwait(true);
        // Placed right after this call, not within it: the caller is the attempt's job on a draining silo, which the
        // task grain's deactivation waits for, so a Start sent to that grain now would wait out the drain timeout.
        this.AsReference<IRunGrain>().Wake().Ignore();
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> TaskLost(string taskId, SiloAddress silo, string reason)
    {
        if (!LoseTask(taskId, silo, reason)) return false;
        await SaveAsync().ConfigureAwait(true);
        await PlaceReadyAsync().ConfigureAwait(true);
        return true;
    }

    /// <summary>Tells the task grain running <paramref name="task"/> to stop its attempt; a failure is only logged.</summary>
    private async Task StopAttemptAsync(string runId, TaskRecord task)
    {
        try
        {
            await TaskGrainTypes.For(GrainFactory, task.Kind, runId, task.TaskId).Stop(task.Fence, "the run was cancelled").ConfigureAwait(true);
        }
        catch (Exception e)
        {
            // The attempt also learns it from its next fenced call.
            LogStopFailed(runId, task.TaskId, e.Message);
        }
    }

    /// <summary>
    /// Every running task whose silo membership declared dead, or does not know (the run resumes after a restart, or
    /// after its silo died unseen), is lost. A silo shutting down is not: it drains, and hands its tasks back.
    /// </summary>
    private async Task ReconcileAsync()
    {
        var members = membership.CurrentSnapshot.Members;
        var lost = false;
        foreach (var (taskId, silo) in S.RunningOn.ToList())
        {
            if (!members.TryGetValue(silo, out var member) || member.Status == SiloStatus.Dead)
            {
                lost |= LoseTask(taskId, silo, "it is no longer a member of the cluster");
            }
        }

        // A task placed but not yet recorded on a silo cannot be told apart from one whose placement was lost; only recorded ones are checked.
        if (lost) await SaveAsync().ConfigureAwait(true);
    }

    private bool LoseTask(string taskId, SiloAddress silo, string reason)
    {
        if (Find(taskId) is not { State: TaskState.Running } task || !S.RunningOn.TryGetValue(taskId, out var on) || !on.Equals(silo)) return false;
        var error = FailureRules.SiloLostError(task.Silo ?? silo.ToString(), reason);
        Emit(taskId, EventKinds.TaskLost, $"{taskId}: {error}");
        FailAttempt(task, error, backoff: false);
        return true;
    }

    /// <summary>
    /// The failure rules for <paramref name="task"/>'s current attempt: ready again (after the back-off, when
    /// <paramref name="backoff"/>) while attempts remain; otherwise failed, then excused (a teacher above the
    /// quorum) or failing the run.
    /// </summary>
    private FailureOutcome FailAttempt(TaskRecord task, string error, bool backoff)
    {
        S.RunningOn.Remove(task.TaskId);
        if (FailureRules.WillRetry(task.Attempt, task.MaxAttempts))
        {
            var wait = backoff ? _policy.BackoffAfter(task.Attempt) : TimeSpan.Zero;
            Replace(task with { State = TaskState.Ready, NotBefore = Now + wait, Error = error, Silo = null });
            Emit(task.TaskId, EventKinds.TaskRetry,
                $"{task.TaskId}: attempt {task.Attempt} of {task.MaxAttempts} failed ({error}); retry in {wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
            return FailureOutcome.WillRetry;
        }

        Replace(task with { State = TaskState.Failed, Error = error, FinishedAt = Now, Silo = null });
        if (task.Kind == FailureRules.TeacherKind)
        {
            var teachersNotFailed = S.Tasks.Count(t => t.Kind == FailureRules.TeacherKind && t.State != TaskState.Failed);
            if (FailureRules.IsExcused(task.Kind, teachersNotFailed, Run.TeachersMin))
            {
                Replace(Find(task.TaskId)! with { Excused = true });
                Emit(task.TaskId, EventKinds.TaskFailed,
                    $"{task.TaskId} failed after {task.Attempt} attempts ({error}); excused: {teachersNotFailed} teachers left, quorum {Run.TeachersMin}");
                Advance();
                return FailureOutcome.Excused;
            }
        }

        Emit(task.TaskId, EventKinds.TaskFailed, $"{task.TaskId} failed after {task.Attempt} attempts ({error})");
        CancelUnfinished();
        var runError = FailureRules.RunError(task.TaskId, error);
        SetRun(RunState.Failed, runError);
        Emit(null, EventKinds.RunFailed, runError);
        return FailureOutcome.RunFailed;
    }

    /// <summary>
    /// After a task finished: every pending task whose dependencies have all finished (succeeded, or failed and
    /// excused) becomes ready; when nothing is left unfinished, the run has succeeded.
    /// </summary>
    private void Advance()
    {
        static bool Finished(TaskRecord t) => t.State == TaskState.Succeeded || (t.State == TaskState.Failed && t.Excused);
        var byId = S.Tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal);
        foreach (var task in S.Tasks.Where(t => t.State == TaskState.Pending).ToList())
        {
            if (task.DependsOn.All(d => Finished(byId[d]))) Replace(task with { State = TaskState.Ready });
        }

        if (S.Tasks.All(Finished) && !StateNames.IsTerminal(Run.State))
        {
            SetRun(RunState.Succeeded, null);
            Emit(null, EventKinds.RunSucceeded, $"run '{Run.RunId}' succeeded");
        }
    }

    /// <summary>
    /// Places every ready task whose back-off has passed, in plan order, until one finds no free slot. Each
    /// placement is a new attempt under a new fence, recorded before the next.
    /// </summary>
    private async Task PlaceReadyAsync()
    {
        if (S.Run is not { } run || StateNames.IsTerminal(run.State)) return;
        foreach (var task in S.Tasks.Where(t => t.State == TaskState.Ready && (t.NotBefore is null || t.NotBefore <= Now)).ToList())
        {
            var assignment = new TaskAssignment(run.RunId, task.TaskId, task.Kind, task.Index, task.Attempt + 1, task.Fence + 1, run.SpecJson,
                [.. S.Artifacts.Values.OrderBy(a => a.Name, StringComparer.Ordinal)]);
            var grain = TaskGrainTypes.For(GrainFactory, task.Kind, run.RunId, task.TaskId);
            TaskPlacement placed;
            SlotReservation? reserved = null;
            try
            {
                // Reserved first, so a full cluster is an answer here rather than a failed placement; the placement then finds it held.
                reserved = await ReserveSlotAsync(grain.GetGrainId()).ConfigureAwait(true);
                if (reserved is null)
                {
                    Missed();
                    return;
                }

                placed = await grain.Start(assignment).ConfigureAwait(true);
            }
            catch (Exception e)
            {
                Missed();
                if (reserved is not null) await ReleaseSlotAsync(reserved).ConfigureAwait(true);
                if (e is not NoFreeSlotException && e.InnerException is not NoFreeSlotException) LogPlacementFailed(run.RunId, task.TaskId, e.Message);
                return;
            }

            _placementMisses = 0;
            Replace(task with
            {
                State = TaskState.Running, Attempt = assignment.Attempt, Fence = assignment.Fence, Silo = placed.Silo, StartedAt = Now,
                NotBefore = null, ProgressJson = null,
            });
            S.RunningOn[task.TaskId] = placed.Address;
            if (Run.State == RunState.Queued) SetRun(RunState.Running, null);
            Emit(task.TaskId, EventKinds.TaskPlaced,
                $"{task.TaskId}: attempt {assignment.Attempt} placed on silo {placed.Silo}, slot {placed.Slot} (fence {assignment.Fence})");
            await SaveAsync().ConfigureAwait(true);
        }
    }

    /// <summary>Reserves a slot for <paramref name="grain"/> on an active silo; null when every slot is taken.</summary>
    private Task<SlotReservation?> ReserveSlotAsync(GrainId grain)
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);
        return GrainFactory.GetGrain<ISlotRegistryGrain>(0).Reserve(grain, SiloSlotMetadata.Candidates(active, siloMetadata));
    }

    /// <summary>Gives back a slot reserved for a task whose start failed.</summary>
    private async Task ReleaseSlotAsync(SlotReservation reserved)
    {
        try
        {
            await GrainFactory.GetGrain<ISlotRegistryGrain>(0).Release(reserved.Grain, reserved.Silo).ConfigureAwait(true);
        }
        catch (Exception e)
        {
            // The next placement of the same task finds the reservation and uses it.
            LogPlacementFailed(Run.RunId, reserved.Grain.ToString(), e.Message);
        }
    }

    /// <summary>No slot now: the timer tries again after one or two placement intervals.</summary>
    private void Missed()
    {
        _placementMisses++;
        _nextPlacement = Now + _policy.PlacementInterval * Math.Min(2, _placementMisses);
    }

    /// <summary>A keep-alive timer while the run is unfinished: it places ready tasks as slots free up and back-offs pass.</summary>
    private void KeepPlacing()
    {
        _timer ??= this.RegisterGrainTimer(async _ =>
        {
            if (S.Run is not { } run || StateNames.IsTerminal(run.State))
            {
                _timer?.Dispose();
                _timer = null;
                await DropSafetyNetAsync().ConfigureAwait(true);
                return;
            }

            if (Now < _nextPlacement) return;
            await ReconcileAsync().ConfigureAwait(true);
            await PlaceReadyAsync().ConfigureAwait(true);
        }, new GrainTimerCreationOptions { DueTime = _policy.PlacementInterval, Period = _policy.PlacementInterval, KeepAlive = true });
    }

    /// <summary>
    /// Registers the new run's safety-net reminder, once, at submission (it is durable from then on; not at each
    /// activation, which can happen mid-fail-over, when a call to the reminder service may wait for a departed silo and
    /// hold up the run). A failure is only logged: the run works without it.
    /// </summary>
    private async Task RegisterSafetyNetAsync()
    {
        try
        {
            await this.RegisterOrUpdateReminder(SafetyNetReminder, _policy.SafetyNetPeriod, _policy.SafetyNetPeriod).ConfigureAwait(true);
        }
        catch (Exception e) when (e is ReminderException or OrleansException or TimeoutException or InvalidOperationException)
        {
            LogReminderFailed(this.GetPrimaryKeyString(), "registered", e.Message);
        }
    }

    /// <summary>Unregisters the safety-net reminder of a finished run; a failure is only logged (the next tick tries again).</summary>
    private async Task DropSafetyNetAsync()
    {
        try
        {
            if (await this.GetReminder(SafetyNetReminder).ConfigureAwait(true) is { } reminder)
            {
                await this.UnregisterReminder(reminder).ConfigureAwait(true);
            }
        }
        catch (Exception e) when (e is ReminderException or OrleansException or TimeoutException or InvalidOperationException)
        {
            LogReminderFailed(this.GetPrimaryKeyString(), "unregistered", e.Message);
        }
    }

    private void CancelUnfinished()
    {
        foreach (var task in S.Tasks.Where(t => t.State is TaskState.Pending or TaskState.Ready or TaskState.Running).ToList())
        {
            Replace(task with { State = TaskState.Cancelled, FinishedAt = Now, Silo = null });
        }

        S.RunningOn.Clear();
    }

    private void SetRun(RunState runState, string? error) => S.Run = Run with { State = runState, UpdatedAt = Now, Error = error ?? Run.Error };

    private TaskRecord? Find(string taskId) => S.Tasks.FirstOrDefault(t => t.TaskId == taskId);

    private TaskRecord? Current(string taskId, long fence) => Find(taskId) is { State: TaskState.Running } task && task.Fence == fence ? task : null;

    private void Replace(TaskRecord task) => S.Tasks[S.Tasks.FindIndex(t => t.TaskId == task.TaskId)] = task;

    private void Emit(string? taskId, string kind, string message, string? dataJson = null) =>
        S.Events.Add(new RunEvent((S.Events.Count == 0 ? 0 : S.Events[^1].Id) + 1, Run.RunId, Now, taskId, kind, message, dataJson));

    private RunSnapshot Snapshot() => new(Run, [.. S.Tasks]);

    /// <summary>Writes the state (a stale activation fails here on the etag, and changes nothing), then tells the run index.</summary>
    private async Task SaveAsync()
    {
        await state.WriteStateAsync().ConfigureAwait(true);
        var counts = S.Tasks.GroupBy(t => (t.Kind, t.State)).OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.State).Select(g => new TaskCount(g.Key.Kind, g.Key.State, g.Count())).ToList();
        try
        {
            await GrainFactory.GetGrain<IRunIndexGrain>(0).Record(new RunIndexEntry(Run.RunId, Run.CreatedAt, Run.State, counts)).ConfigureAwait(true);
        }
        catch (Exception e)
        {
            // The index only lists and counts; the run's own state is written. The next change records it again.
            LogIndexFailed(Run.RunId, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}/{Task}: could not stop the running attempt: {Error}")]
    private partial void LogStopFailed(string run, string task, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}/{Task}: placement failed: {Error}; it stays ready")]
    private partial void LogPlacementFailed(string run, string task, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}: its safety-net reminder was not {Change}: {Error}; tried again later")]
    private partial void LogReminderFailed(string run, string change, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}: the run index was not updated: {Error}")]
    private partial void LogIndexFailed(string run, string error);
}
