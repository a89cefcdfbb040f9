using System.Diagnostics.Metrics;
using System.Net;
using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Grains;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Runs;
using Ensemble.Grains.Telemetry;
using Ensemble.Silo.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>
/// A task whose silo died (the failure watcher says so, or the run finds its silo gone from membership): the
/// attempt counts, and the task is placed again at once under a new fence.
/// </summary>
public sealed class TaskLostTests
{
    [Fact]
    public async Task TaskLost_OnItsSilo_CountsTheAttemptAndPlacesTheTaskAgainAtOnceUnderANewFence()
    {
        var runner = new ScriptedRunner();
        // A back-off far longer than the test: a lost task must not wait for it.
        await using var silo = await TestSilo.StartAsync(slots: 1, runner, o => o with { RetryBackoff = TimeSpan.FromMinutes(1) });
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var first = await runner.NextAsync();
        Assert.True(await run.ReportProgress("a", first.Assignment.Fence, "{\"epoch\":2}", "epoch 2"));

        Assert.True(await run.TaskLost("a", silo.SiloAddress, "declared dead by the cluster"));

        var second = await runner.NextAsync(seconds: 2);
        Assert.Equal((2, 2L), (second.Assignment.Attempt, second.Assignment.Fence));
        var task = await run.TaskAsync("a");
        Assert.Equal((TaskState.Running, 2, 2L, (string?)null), (task.State, task.Attempt, task.Fence, task.ProgressJson));
        Assert.Equal("silo test-silo was lost (declared dead by the cluster)", task.Error);
        var events = (await run.EventsAsync()).ToArray()[^3..];
        Assert.Equal([EventKinds.TaskLost, EventKinds.TaskRetry, EventKinds.TaskPlaced], events.Select(e => e.Kind));
        Assert.Contains("silo test-silo was lost (declared dead by the cluster)", events[0].Message);
        Assert.Contains("retry in 0 s", events[1].Message);
        // The old attempt is told to stop, and may no longer write.
        Assert.Equal(AttemptOutcome.Cancelled, await first.Ended.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(AttemptStatus.Superseded, await run.CheckAttempt("a", first.Assignment.Fence));
        Assert.False(await run.Complete("a", first.Assignment.Fence, RunGrainProbe.Nothing));
        Assert.True(await run.Complete("a", second.Assignment.Fence, RunGrainProbe.Nothing));
    }

    [Fact]
    public async Task TaskLost_OnASiloThatStillRunsIt_SupersedesTheAttemptOnTheSameSlot()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 2, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var first = await runner.NextAsync();
        using var slots = new BusySlots(silo);
        Assert.Equal(1, slots.Read());

        Assert.True(await run.TaskLost("a", silo.SiloAddress, "test"));

        var second = await runner.NextAsync(seconds: 2);
        Assert.Equal(first.Slot, second.Slot);
        Assert.Equal(1, slots.Read());
        Assert.True(await run.Complete("a", second.Assignment.Fence, RunGrainProbe.Nothing));
        second.End();
        await Deadline.UntilAsync(() => slots.Read() == 0, "the slot is given back");
    }

    [Fact]
    public async Task TaskLost_NamingAnotherSiloOrATaskThatIsNotRunning_IsRefusedAndChangesNothing()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b", "a")));
        await runner.NextAsync();
        var before = await run.DumpAsync();

        Assert.False(await run.TaskLost("a", SiloAddress.New(IPAddress.Loopback, 1, 1), "another silo"));
        Assert.False(await run.TaskLost("b", silo.SiloAddress, "pending"));
        Assert.False(await run.TaskLost("x", silo.SiloAddress, "no such task"));

        Assert.Equal(before, await run.DumpAsync());
    }

    [Fact]
    public async Task TaskLost_OfATeacherOnItsLastAttempt_FollowsTheQuorumRule()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 2, runner);
        var run = silo.Run("r1");
        await run.Submit(Teachers("r1"));
        var t0 = await runner.NextAsync();
        await runner.NextAsync();
        Assert.Equal("teacher/0", t0.Assignment.TaskId);

        Assert.True(await run.TaskLost("teacher/0", silo.SiloAddress, "declared dead by the cluster"));

        var snapshot = await run.SnapshotAsync();
        Assert.Equal((TaskState.Failed, true, "silo test-silo was lost (declared dead by the cluster)"),
            (snapshot.Tasks[0].State, snapshot.Tasks[0].Excused, snapshot.Tasks[0].Error));
        Assert.Equal(RunState.Running, snapshot.Run.State);
        // Its attempt notices it at its next fence check (a dead silo's would never run again); its slot goes to the teacher that was waiting.
        t0.End(AttemptOutcome.Superseded);
        Assert.Equal("teacher/2", (await runner.NextAsync()).Assignment.TaskId);
    }

    [Theory]
    [InlineData(nameof(IRunGrain.Wake))]
    [InlineData(nameof(IRunGrain.Get))]
    public async Task ActivatingARun_WithATaskRunningOnASiloThatIsNoMember_LosesTheTaskAndPlacesItAgain(string call)
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        // The state a run left when its silo died unseen (the cluster restarted, say): a running on a silo no member has.
        var gone = SiloAddress.New(IPAddress.Loopback, 1, 1);
        var at = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5);
        var state = new RunGrainState
        {
            Run = new RunRecord("r1", "name-r1", "{}", RunState.Running, 1, at, at, null),
            Tasks = [new TaskRecord("r1", "a", WorkKind, 0, TaskState.Running, 1, 3, 1, "gone-silo", null, null, null, null, at, null, [])],
            Events = [new RunEvent(1, "r1", at, null, EventKinds.RunSubmitted, "submitted"), new RunEvent(2, "r1", at, "a", EventKinds.TaskPlaced, "placed")],
            MaxAttempts = 3,
            RunningOn = { ["a"] = gone },
        };
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Ensemble);
        await storage.WriteStateAsync("run", run.GetGrainId(), new GrainState<RunGrainState>(state));

        if (call == nameof(IRunGrain.Wake)) await run.Wake();
        else await run.Get();

        var placed = await runner.NextAsync(seconds: 5);
        Assert.Equal((2, 2L), (placed.Assignment.Attempt, placed.Assignment.Fence));
        var task = await run.TaskAsync("a");
        Assert.Equal((TaskState.Running, 2, "test-silo"), (task.State, task.Attempt, task.Silo));
        Assert.Equal("silo gone-silo was lost (it is no longer a member of the cluster)", task.Error);
        Assert.Equal(["run-submitted", "task-placed:a", "task-lost:a", "task-retry:a", "task-placed:a"], await run.EventKindsAsync());
        Assert.Equal(AttemptStatus.Superseded, await run.CheckAttempt("a", 1));
    }

    /// <summary>The silo's busy-slot gauge (<c>ensemble.silo.slots{state="busy"}</c>), read on demand.</summary>
    private sealed class BusySlots : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _busy;

        public BusySlots(TestSilo silo)
        {
            var meter = silo.Services.GetRequiredService<SiloMetrics>().Meter;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter && instrument.Name == "ensemble.silo.slots") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "state", Value: "busy" }) _busy = value;
                }
            });
            _listener.Start();
        }

        public int Read()
        {
            _listener.RecordObservableInstruments();
            return _busy;
        }

        public void Dispose() => _listener.Dispose();
    }
}
