using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>
/// A run outlives its silo: a new silo on the same store finds it as it was, and places again the task that was
/// running on the old one (the embedded "kill and rerun resumes" at grain level).
/// </summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Restart_KeepsTheRunAndPlacesTheTaskThatRanOnTheOldSiloAgain()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b", "a")));
        var a = await runner.NextAsync();
        var artifact = new ArtifactRecord("r1", "tasks/a/out.bin", "aa", 3, "a", DateTimeOffset.UtcNow);
        Assert.True(await run.Complete("a", a.Assignment.Fence, new TaskCompletion("{\"accuracy\":0.5}", [artifact])));
        a.End();
        var b = await runner.NextAsync();
        Assert.True(await run.ReportProgress("b", b.Assignment.Fence, "{\"epoch\":1}", "epoch 1"));
        var eventsBefore = await run.EventsAsync();
        var oldSilo = silo.SiloAddress;

        // The old silo goes without handing b back (the runner ignores the drain), as a killed one would.
        var runnerAfter = new ScriptedRunner();
        await using var restarted = await silo.RestartAsync(runnerAfter);

        Assert.NotEqual(oldSilo, restarted.SiloAddress);
        var again = await runnerAfter.NextAsync();
        Assert.Equal(("b", 2, 2L), (again.Assignment.TaskId, again.Assignment.Attempt, again.Assignment.Fence));
        Assert.Equal([artifact], again.Assignment.Inputs);
        run = restarted.Run("r1");
        var resumed = await run.SnapshotAsync();
        Assert.Equal(RunState.Running, resumed.Run.State);
        Assert.Equal((TaskState.Succeeded, "{\"accuracy\":0.5}"), (resumed.Tasks[0].State, resumed.Tasks[0].ResultJson));
        Assert.Equal((TaskState.Running, 2), (resumed.Tasks[1].State, resumed.Tasks[1].Attempt));
        Assert.Equal([artifact], await run.ListArtifacts());
        var events = await run.EventsAsync();
        Assert.Equal(eventsBefore, events.Take(eventsBefore.Count));
        Assert.Equal([EventKinds.TaskLost, EventKinds.TaskRetry, EventKinds.TaskPlaced], events.Skip(eventsBefore.Count).Select(e => e.Kind));
        Assert.Contains("it is no longer a member of the cluster", events[eventsBefore.Count].Message);
        Assert.Equal(["r1"], await restarted.Grains.GetGrain<IRunIndexGrain>(0).Unfinished());

        Assert.True(await run.Complete("b", again.Assignment.Fence, RunGrainProbe.Nothing));
        Assert.Equal(RunState.Succeeded, (await run.SnapshotAsync()).Run.State);
    }

    [Fact]
    public async Task Restart_KeepsAFinishedRunAsItWas()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        await silo.Run("r1").Submit(Run("r1", T("a")));
        var a = await runner.NextAsync();
        Assert.True(await silo.Run("r1").Complete("a", a.Assignment.Fence, RunGrainProbe.Nothing));
        a.End();
        var dump = await silo.Run("r1").DumpAsync();

        await using var restarted = await silo.RestartAsync(new ScriptedRunner());

        Assert.Equal(dump, await restarted.Run("r1").DumpAsync());
        Assert.Empty(await restarted.Grains.GetGrain<IRunIndexGrain>(0).Unfinished());
        Assert.Equal(["r1"], await restarted.Grains.GetGrain<IRunIndexGrain>(0).List(10));
    }
}
