using System.Diagnostics;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>
/// How a run places its ready tasks on free slots: in plan order within the run, one attempt per slot, the next as
/// soon as a slot frees. Across runs nothing but "a free slot goes to some run with a ready task" is promised.
/// </summary>
public sealed class PlacementTests
{
    [Fact]
    public async Task Placement_WithOneSlot_StartsTheReadyTasksInPlanOrder()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r-z");
        // Ids sort against plan order, so neither can pass for the other.
        await run.Submit(Run("r-z", T("zeta"), T("mid"), T("alpha")));

        var started = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var attempt = await runner.NextAsync();
            started.Add(attempt.Assignment.TaskId);
            Assert.True(await run.Complete(attempt.Assignment.TaskId, attempt.Assignment.Fence, RunGrainProbe.Nothing));
            attempt.End();
        }

        Assert.Equal(["zeta", "mid", "alpha"], started);
        Assert.Equal(["zeta", "mid", "alpha"], (await run.EventsAsync()).Where(e => e.Kind == EventKinds.TaskPlaced).Select(e => e.TaskId));
        await run.UntilAsync(s => s.Run.State == RunState.Succeeded, "the run succeeds");
    }

    [Fact]
    public async Task Placement_WithOneSlotAndTwoReadyTasks_RunsOneAndStartsTheOtherSoonAfterItEnds()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b")));
        var a = await runner.NextAsync();

        // Longer than a placement round: the run keeps trying, and finds no slot.
        Assert.Null(await runner.NextOrNoneAsync(1.5));
        Assert.Equal([TaskState.Running, TaskState.Ready], (await run.SnapshotAsync()).Tasks.Select(t => t.State));

        Assert.True(await run.Complete("a", a.Assignment.Fence, RunGrainProbe.Nothing));
        var clock = Stopwatch.StartNew();
        a.End();
        var b = await runner.NextAsync(seconds: 3);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2.5));
        Assert.Equal(("b", 0), (b.Assignment.TaskId, b.Slot));
    }

    [Fact]
    public async Task Placement_NeverPutsTwoAttemptsOnOneSlot()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 3, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("t0"), T("t1"), T("t2"), T("t3"), T("t4")));

        var first = new[] { await runner.NextAsync(), await runner.NextAsync(), await runner.NextAsync() };

        Assert.Equal(["t0", "t1", "t2"], first.Select(a => a.Assignment.TaskId).Order(StringComparer.Ordinal));
        Assert.Equal([0, 1, 2], first.Select(a => a.Slot).Order());
        Assert.Null(await runner.NextOrNoneAsync(1.5));

        var freed = first.Single(a => a.Assignment.TaskId == "t1");
        Assert.True(await run.Complete("t1", freed.Assignment.Fence, RunGrainProbe.Nothing));
        freed.End();
        var next = await runner.NextAsync(seconds: 3);

        Assert.Equal(("t3", freed.Slot), (next.Assignment.TaskId, next.Slot));
        Assert.Null(await runner.NextOrNoneAsync(0.5));
        Assert.Equal([TaskState.Running, TaskState.Succeeded, TaskState.Running, TaskState.Running, TaskState.Ready],
            (await run.SnapshotAsync()).Tasks.Select(t => t.State));
    }

    [Fact]
    public async Task Placement_OfASecondRunOnATakenSlot_WaitsUntilTheSlotFrees()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var first = silo.Run("r-b");
        var second = silo.Run("r-a");
        await first.Submit(Run("r-b", T("a")));
        var a = await runner.NextAsync();
        await second.Submit(Run("r-a", T("a")));

        Assert.Null(await runner.NextOrNoneAsync(1.5));
        var waiting = await second.SnapshotAsync();
        Assert.Equal((RunState.Queued, TaskState.Ready), (waiting.Run.State, waiting.Tasks[0].State));

        Assert.True(await first.Complete("a", a.Assignment.Fence, RunGrainProbe.Nothing));
        a.End();
        // The freed slot wakes its own run at once; another run finds it on its next placement round.
        var next = await runner.NextAsync(seconds: 5);

        Assert.Equal(("r-a", "a", 0), (next.Assignment.RunId, next.Assignment.TaskId, next.Slot));
        Assert.Equal(RunState.Running, (await second.SnapshotAsync()).Run.State);
    }
}
