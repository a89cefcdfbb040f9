using System.Diagnostics;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Execution;
using Ensemble.Silo.Tests.Testing;
using Orleans.Core.Internal;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>Cancelling a run: it and its unfinished tasks are cancelled and its running attempts stopped; a finished run stays as it is.</summary>
public sealed class CancelTests
{
    [Fact]
    public async Task Cancel_CancelsTheRunAndItsUnfinishedTasksAndStopsTheRunningAttempt()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b"), T("c", "a")));
        var a = await runner.NextAsync();
        var before = DateTimeOffset.UtcNow;

        var cancelled = (await run.Cancel())!;

        var after = DateTimeOffset.UtcNow;
        Assert.Equal(RunState.Cancelled, cancelled.Run.State);
        Assert.InRange(cancelled.Run.UpdatedAt, before, after);
        Assert.All(cancelled.Tasks, t => Assert.Equal((TaskState.Cancelled, (string?)null), (t.State, t.Silo)));
        Assert.All(cancelled.Tasks, t => Assert.InRange(t.FinishedAt!.Value, before, after));
        Assert.Equal(EventKinds.RunCancelled, (await run.EventsAsync())[^1].Kind);
        Assert.Equal(AttemptOutcome.Cancelled, await a.Ended.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(a.Stop.IsCancellationRequested);
        Assert.Equal(AttemptStatus.Cancelled, await run.CheckAttempt("a", a.Assignment.Fence));
        Assert.False(await run.Complete("a", a.Assignment.Fence, RunGrainProbe.Nothing));
        Assert.False(await run.ReportProgress("a", a.Assignment.Fence, "{}", "late"));
        // Its slot is free again, and nothing of the run takes it.
        Assert.Null(await runner.NextOrNoneAsync(1.5));

        // Cancelling again changes nothing.
        var dump = await run.DumpAsync();
        Assert.Equal(cancelled.Run, (await run.Cancel())!.Run);
        Assert.Equal(dump, await run.DumpAsync());
    }

    [Fact]
    public async Task Cancel_WhileTheRunningAttemptDrains_IsAnsweredWithoutWaitingForTheDrain()
    {
        var runner = new HandBackRunner();
        var drainTimeout = TimeSpan.FromSeconds(5);
        await using var silo = await TestSilo.StartAsync(slots: 1, runner, o => o with { DrainTimeout = drainTimeout });
        runner.Grains = silo.Grains;
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        await runner.NextAsync();
        // The task grain deactivates (its silo drains); its attempt hands the task back only after the run was cancelled.
        await TaskGrainTypes.For(silo.Grains, WorkKind, "r1", "a").AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await runner.Draining.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();

        var cancelling = run.Cancel();
        await Task.Delay(200);
        runner.HandBack.SetResult();
        var cancelled = await cancelling.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, drainTimeout / 2);
        Assert.Equal(RunState.Cancelled, cancelled!.Run.State);
        var (released, _) = await runner.HandedBack.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(released);
    }

    [Fact]
    public async Task Cancel_OfAQueuedRun_CancelsItsTasks()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b", "a")));

        var cancelled = (await run.Cancel())!;

        Assert.Equal(RunState.Cancelled, cancelled.Run.State);
        Assert.Equal([TaskState.Cancelled, TaskState.Cancelled], cancelled.Tasks.Select(t => t.State));
    }

    [Fact]
    public async Task Cancel_OfAFinishedRun_ReturnsItUnchanged()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var a = await runner.NextAsync();
        Assert.True(await run.Complete("a", a.Assignment.Fence, RunGrainProbe.Nothing));
        var dump = await run.DumpAsync();

        var cancelled = (await run.Cancel())!;

        Assert.Equal((RunState.Succeeded, TaskState.Succeeded), (cancelled.Run.State, cancelled.Tasks[0].State));
        Assert.Equal(dump, await run.DumpAsync());
    }
}
