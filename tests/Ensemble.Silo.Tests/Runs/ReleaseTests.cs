using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Execution;
using Ensemble.Silo.Tests.Testing;
using Orleans.Core.Internal;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>A draining silo hands a running task back: the attempt is not counted and the task is placed again at once.</summary>
public sealed class ReleaseTests
{
    [Fact]
    public async Task Release_HandsTheTaskBackWithoutUsingAnAttemptAndPlacesItAgainAtOnce()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        // One attempt: were the release counted, none would be left.
        await run.Submit(Run("r1", maxAttempts: 1, T("a")));
        var first = await runner.NextAsync();

        Assert.True(await run.Release("a", first.Assignment.Fence, "silo shutting down"));

        var second = await runner.NextAsync(seconds: 2);
        Assert.Equal((1, 2L), (second.Assignment.Attempt, second.Assignment.Fence));
        var task = await run.TaskAsync("a");
        Assert.Equal((TaskState.Running, 1, 2L, (DateTimeOffset?)null, (string?)null), (task.State, task.Attempt, task.Fence, task.NotBefore, task.Error));
        var events = await run.EventsAsync();
        Assert.Equal([EventKinds.TaskReleased, EventKinds.TaskPlaced], events.Select(e => e.Kind).ToArray()[^2..]);
        Assert.Contains("silo shutting down", events[^2].Message);
        Assert.DoesNotContain(events, e => e.Kind is EventKinds.TaskRetry or EventKinds.TaskFailed);
        Assert.False(await run.Release("a", first.Assignment.Fence, "again"));
        Assert.True(await run.Complete("a", second.Assignment.Fence, RunGrainProbe.Nothing));
        Assert.Equal(RunState.Succeeded, (await run.SnapshotAsync()).Run.State);
    }

    [Fact]
    public async Task Release_ByAnAttemptDrainingAsItsTaskGrainDeactivates_IsAnsweredAtOnceAndTheTaskIsPlacedAgain()
    {
        var runner = new HandBackRunner();
        runner.HandBack.SetResult();
        var drainTimeout = TimeSpan.FromSeconds(5);
        await using var silo = await TestSilo.StartAsync(slots: 1, runner, o => o with { DrainTimeout = drainTimeout });
        runner.Grains = silo.Grains;
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var first = await runner.NextAsync();

        // What a draining silo does to each of its task grains: the attempt is asked to stop at its next checkpoint and hand the task back.
        await TaskGrainTypes.For(silo.Grains, WorkKind, "r1", "a").AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // The run answers the hand-back at once; it does not wait for the task grain, whose deactivation waits for that answer.
        var (released, answeredAfter) = await runner.HandedBack.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(released);
        Assert.InRange(answeredAfter, TimeSpan.Zero, drainTimeout / 2);
        var second = await runner.NextAsync();
        Assert.Equal((first.Attempt, first.Fence + 1), (second.Attempt, second.Fence));
        Assert.Equal([EventKinds.TaskReleased, EventKinds.TaskPlaced], (await run.EventsAsync()).Select(e => e.Kind).ToArray()[^2..]);
    }
}
