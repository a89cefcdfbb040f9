using Ensemble.Contracts.Grains;
using Ensemble.Grains.Placement;
using Ensemble.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ensemble.Grains.Execution;

/// <summary>
/// Runs one task of a run as a long job (<see cref="ITaskGrain"/>), placed on a free slot. <see cref="Start"/>
/// records the attempt's fence in the grain's state (a stale activation fails that write on the etag) and returns
/// while the job runs off the grain scheduler; a keep-alive timer watches the job, and when it ends frees the slot
/// and lets the grain go. When the silo stops, <see cref="SiloDrain"/> has the job stop at its next checkpoint and
/// hand the task back before any grain deactivates; a job still running on deactivation is drained the same way.
/// </summary>
[SlotPlacement]
public abstract partial class TaskGrain(IPersistentState<TaskGrainState> state, IAttemptRunner runner, TaskExecutionOptions options,
    SiloMetrics metrics, ILocalSiloDetails silo, ILogger logger) : Grain, ITaskGrain
{
    private RunningAttempt? _running;
    private IGrainTimer? _watch;
    private SiloDrain? _drain;

    private SiloDrain Drain => _drain ??= ServiceProvider.GetRequiredService<SiloDrain>();

    /// <inheritdoc/>
    public async Task<TaskPlacement> Start(TaskAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (_running is { } current)
        {
            // The same attempt again (the run did not hear the first answer) goes on, unless it has already given itself up
            // as superseded because the run had not recorded it yet: then it starts over, from its checkpoint.
            if (current.Assignment.Fence == assignment.Fence && current.Job is not { IsCompletedSuccessfully: true, Result: AttemptOutcome.Superseded })
            {
                return current.Placement;
            }

            if (current.Assignment.Fence > assignment.Fence) throw new InvalidOperationException(
                $"{assignment.RunId}/{assignment.TaskId}: fence {assignment.Fence} is older than the running attempt's ({current.Assignment.Fence})");
            // A newer attempt of the same task (the run lost track of this one): the old one stops and writes nothing more.
            if (current.Assignment.Fence == assignment.Fence) LogRestarting(assignment.RunId, assignment.TaskId, assignment.Fence);
            await current.Stop.CancelAsync().ConfigureAwait(true);
            Drain.Remove(current);
        }

        // A stopping silo starts nothing: its run keeps the task ready and places it again, elsewhere or after a restart.
        if (Drain.IsDraining) throw new NoFreeSlotException(this.GetGrainId().ToString());

        var reservation = await GrainFactory.GetGrain<ISlotRegistryGrain>(0).Find(this.GetGrainId()).ConfigureAwait(true);
        var placement = new TaskPlacement(options.SiloName, reservation?.Slot ?? 0, silo.SiloAddress);
        state.State.Fence = assignment.Fence;
        await state.WriteStateAsync().ConfigureAwait(true);

        var running = new RunningAttempt(assignment, placement);
        running.Job = Task.Run(() => runner.RunAsync(assignment, placement.Slot, placement.Silo, running.Drain.Token, running.Stop.Token));
        // A newer attempt in place of a superseded one goes on in the slot that one took.
        if (_running is null) metrics.SlotTaken();
        _running = running;
        Drain.Add(running);
        _watch ??= this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.FromMilliseconds(500), Period = TimeSpan.FromMilliseconds(500), KeepAlive = true,
        });
        return placement;
    }

    /// <inheritdoc/>
    public async Task Stop(long fence, string reason)
    {
        if (_running is { } running && running.Assignment.Fence == fence)
        {
            LogStopping(running.Assignment.RunId, running.Assignment.TaskId, fence, reason);
            await running.Stop.CancelAsync().ConfigureAwait(true);
        }
        else if (_running is null)
        {
            // Nothing runs here (a call that activated an idle grain): give the slot back and go.
            await FreeSlotAsync().ConfigureAwait(true);
            DeactivateOnIdle();
        }
    }

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_running is { } running && !running.Job.IsCompleted)
        {
            LogDraining(running.Assignment.RunId, running.Assignment.TaskId, reason.ToString());
            await running.Drain.CancelAsync().ConfigureAwait(true);
            var drained = await Task.WhenAny(running.Job, Task.Delay(options.DrainTimeout, cancellationToken)).ConfigureAwait(true);
            if (drained != running.Job)
            {
                // Out of time: stop where it is; the task is placed again once this silo has left the cluster.
                await running.Stop.CancelAsync().ConfigureAwait(true);
            }

            await Task.WhenAny(running.Job, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(true);
        }

        await EndAsync().ConfigureAwait(true);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        if (_running is { Job.IsCompleted: false }) return;
        await EndAsync().ConfigureAwait(true);
        DeactivateOnIdle();
    }

    private async Task EndAsync()
    {
        _watch?.Dispose();
        _watch = null;
        if (_running is not { } running) return;
        _running = null;
        Drain.Remove(running);
        // A job that outlived the drain still holds the tokens; they go with it.
        if (running.Job.IsCompleted) running.Dispose();
        metrics.SlotFreed();
        await FreeSlotAsync().ConfigureAwait(true);
        // The run placed what it could when the task completed, while this slot was still held: it looks again now.
        GrainFactory.GetGrain<IRunGrain>(running.Assignment.RunId).Wake().Ignore();
    }

    private async Task FreeSlotAsync()
    {
        try
        {
            await GrainFactory.GetGrain<ISlotRegistryGrain>(0).Release(this.GetGrainId(), silo.SiloAddress).ConfigureAwait(true);
        }
        catch (Exception e)
        {
            // Its reservation is dropped anyway once this silo leaves the cluster.
            LogReleaseFailed(this.GetPrimaryKeyString(), e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Run}/{Task}: attempt (fence {Fence}) gave itself up before its run recorded it; starting it again")]
    private partial void LogRestarting(string run, string task, long fence);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Run}/{Task}: stopping attempt (fence {Fence}): {Reason}")]
    private partial void LogStopping(string run, string task, long fence, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Run}/{Task}: draining ({Reason}): it stops at its next checkpoint and is handed back")]
    private partial void LogDraining(string run, string task, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain}: could not free its slot: {Error}")]
    private partial void LogReleaseFailed(string grain, string error);
}
