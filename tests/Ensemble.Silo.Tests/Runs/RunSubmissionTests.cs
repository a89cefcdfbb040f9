using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>Submitting a run to its grain: what is stored, what is placed, what is refused.</summary>
public sealed class RunSubmissionTests
{
    [Fact]
    public async Task Submit_StoresTheRunWithTasksWithoutDependenciesReadyAndTheRestPending()
    {
        // No slots: nothing is placed, so the stored state is what submission made.
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var run = silo.Run("r1");
        var before = DateTimeOffset.UtcNow;

        var submitted = await run.Submit(Diamond("r1", maxAttempts: 4) with { TeachersMin = 2 });

        var after = DateTimeOffset.UtcNow;
        var record = submitted.Run;
        Assert.Equal(("r1", "name-r1", "{\"spec\":\"r1\"}", RunState.Queued, 2, (string?)null),
            (record.RunId, record.Name, record.SpecJson, record.State, record.TeachersMin, record.Error));
        Assert.InRange(record.CreatedAt, before, after);
        Assert.Equal(record.CreatedAt, record.UpdatedAt);
        Assert.Equal(["a", "b", "c", "d"], submitted.Tasks.Select(t => t.TaskId));
        Assert.Equal([TaskState.Ready, TaskState.Pending, TaskState.Pending, TaskState.Pending], submitted.Tasks.Select(t => t.State));
        Assert.All(submitted.Tasks, t => Assert.Equal(("r1", WorkKind, 7, 0, 4, 0L, (string?)null, (DateTimeOffset?)null, false),
            (t.RunId, t.Kind, t.Index, t.Attempt, t.MaxAttempts, t.Fence, t.Silo, t.StartedAt, t.Excused)));
        Assert.Empty(submitted.Tasks[0].DependsOn);
        Assert.Equal(["b", "c"], submitted.Tasks[3].DependsOn);
        var submittedEvent = Assert.Single(await run.EventsAsync());
        Assert.Equal((1L, "r1", EventKinds.RunSubmitted, (string?)null), (submittedEvent.Id, submittedEvent.RunId, submittedEvent.Kind, submittedEvent.TaskId));
        Assert.InRange(submittedEvent.At, before, after);
        Assert.Contains("submitted with 4 tasks", submittedEvent.Message);
        var stored = await run.SnapshotAsync();
        Assert.Equal(submitted.Run, stored.Run);
        Assert.Equal(submitted.Tasks.Select(t => t with { DependsOn = [] }), stored.Tasks.Select(t => t with { DependsOn = [] }));
    }

    [Fact]
    public async Task Submit_WithAFreeSlot_PlacesTheReadyTaskAndTheRunIsRunning()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");

        var submitted = await run.Submit(Run("r1", T("a"), T("b", "a")));

        var attempt = await runner.NextAsync();
        Assert.Equal(new[] { "r1", "a", WorkKind, "{\"spec\":\"r1\"}" },
            new[] { attempt.Assignment.RunId, attempt.Assignment.TaskId, attempt.Assignment.Kind, attempt.Assignment.SpecJson });
        Assert.Equal((7, 1, 1L, 0, "test-silo"), (attempt.Assignment.Index, attempt.Assignment.Attempt, attempt.Assignment.Fence, attempt.Slot, attempt.Silo));
        Assert.Empty(attempt.Assignment.Inputs);
        // Submit answers once its ready tasks are placed.
        Assert.Equal(RunState.Running, submitted.Run.State);
        var a = submitted.Tasks[0];
        Assert.Equal((TaskState.Running, 1, 1L, "test-silo"), (a.State, a.Attempt, a.Fence, a.Silo));
        Assert.NotNull(a.StartedAt);
        Assert.Equal(TaskState.Pending, submitted.Tasks[1].State);
        Assert.Equal([EventKinds.RunSubmitted, $"{EventKinds.TaskPlaced}:a"], await run.EventKindsAsync());
        Assert.Contains("attempt 1 placed on silo test-silo, slot 0 (fence 1)", (await run.EventsAsync())[1].Message);
        Assert.Equal(AttemptStatus.Current, await run.CheckAttempt("a", 1));
    }

    [Fact]
    public async Task Submit_OfARunIdThatExists_IsRefusedAndKeepsTheFirstRun()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var before = await run.DumpAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run.Submit(Run("r1", T("b"))));

        Assert.Contains("'r1' exists already", error.Message);
        Assert.Equal(before, await run.DumpAsync());
    }

    [Fact]
    public async Task Submit_ToTheGrainOfAnotherId_IsRefused()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => silo.Run("r2").Submit(Run("r1", T("a"))));

        Assert.Contains("run id 'r1' does not match the grain's key 'r2'", error.Message);
        Assert.Null(await silo.Run("r1").Get());
        Assert.Null(await silo.Run("r2").Get());
    }

    [Fact]
    public async Task AnUnknownRun_HasNoRecordNoEventsNoArtifactsAndCannotBeCancelled()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var run = silo.Run("nope");

        Assert.Null(await run.Get());
        Assert.Null(await run.Cancel());
        Assert.Empty(await run.EventsAsync());
        Assert.Empty(await run.ListArtifacts());
        Assert.Equal(AttemptStatus.Superseded, await run.CheckAttempt("a", 1));
        Assert.False(await run.TaskLost("a", silo.SiloAddress, "test"));
        await run.Wake();
        Assert.Null(await run.Get());
    }

    [Fact]
    public async Task ReadEvents_GivesTheEventsAfterAnIdInOrderUpToALimit()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var a = await runner.NextAsync();
        Assert.True(await run.AttemptStarted("a", a.Assignment.Fence, "a starts"));
        Assert.True(await run.ReportProgress("a", a.Assignment.Fence, "{\"epoch\":1}", "epoch 1"));

        var all = await run.EventsAsync();

        Assert.Equal([1L, 2, 3, 4], all.Select(e => e.Id));
        Assert.Equal([EventKinds.RunSubmitted, EventKinds.TaskPlaced, EventKinds.TaskStarted, EventKinds.TaskProgress], all.Select(e => e.Kind));
        Assert.Equal("a starts", all[2].Message);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.Equal([all[1], all[2]], await run.ReadEvents(1, 2));
        Assert.Equal([all[3]], await run.ReadEvents(3, 100));
        Assert.Empty(await run.ReadEvents(4, 100));
        Assert.Empty(await run.ReadEvents(0, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => run.ReadEvents(0, -1));
    }
}
