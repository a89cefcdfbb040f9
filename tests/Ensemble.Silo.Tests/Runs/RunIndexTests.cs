using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>The run index: each run grain reports its state and task counts there, so listing and metrics wake no run.</summary>
public sealed class RunIndexTests
{
    [Fact]
    public async Task List_GivesTheNewestRunsFirst()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        // Ids sort against submission order, so neither can pass for the other.
        foreach (var id in new[] { "r-b", "r-c", "r-a" }) await silo.Run(id).Submit(Run(id, T("a")));
        var index = silo.Grains.GetGrain<IRunIndexGrain>(0);

        Assert.Equal(["r-a", "r-c"], await index.List(2));
        Assert.Equal(["r-a", "r-c", "r-b"], await index.List(10));
        Assert.Empty(await index.List(0));
        Assert.Equal(["r-a", "r-c", "r-b"], (await silo.Runs.ListAsync(10, CancellationToken.None)).Select(r => r.Run.RunId));
    }

    [Fact]
    public async Task Unfinished_GivesTheRunsThatHaveNotFinishedOldestFirst()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        foreach (var id in new[] { "r3", "r2", "r1", "r0" }) await silo.Run(id).Submit(Run(id, T("a")));
        var r3 = await runner.NextAsync();
        Assert.True(await silo.Run("r3").Complete("a", r3.Assignment.Fence, RunGrainProbe.Nothing));
        await silo.Run("r1").Cancel();

        Assert.Equal(["r2", "r0"], await silo.Grains.GetGrain<IRunIndexGrain>(0).Unfinished());
    }

    [Fact]
    public async Task Entries_CountEachRunsTasksByKindAndState()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        await silo.Run("r1").Submit(Teachers("r1"));
        await runner.NextAsync();
        await silo.Run("r2").Submit(Run("r2", T("a")));
        await silo.Run("r3").Submit(Run("r3", T("a"), T("b", "a")));
        await silo.Run("r3").Cancel();

        var entries = await silo.Grains.GetGrain<IRunIndexGrain>(0).Entries();

        Assert.Equal(["r1", "r2", "r3"], entries.Select(e => e.RunId));
        Assert.Equal([RunState.Running, RunState.Queued, RunState.Cancelled], entries.Select(e => e.State));
        Assert.Equal([new TaskCount("aggregate", TaskState.Pending, 1), new TaskCount("teacher", TaskState.Ready, 2), new TaskCount("teacher", TaskState.Running, 1)],
            entries[0].Tasks);
        Assert.Equal([new TaskCount(WorkKind, TaskState.Ready, 1)], entries[1].Tasks);
        Assert.Equal([new TaskCount(WorkKind, TaskState.Cancelled, 2)], entries[2].Tasks);
        Assert.Equal((await silo.Run("r1").SnapshotAsync()).Run.CreatedAt, entries[0].CreatedAt);
    }
}
