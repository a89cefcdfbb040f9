using Ensemble.Contracts.Runs;
using Ensemble.Grains.Execution;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>Failed attempts: retried after a doubling back-off while attempts remain, then the teacher quorum or a failed run.</summary>
public sealed class FailureTests
{
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Fail_WithAttemptsLeft_RetriesAfterABackoffThatDoublesUntilTheAttemptsAreUsedUp()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner, o => o with { RetryBackoff = Backoff });
        var run = silo.Run("r1");
        await run.Submit(Run("r1", maxAttempts: 3, T("a")));

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var started = await runner.NextAsync();
            Assert.Equal((attempt, (long)attempt), (started.Assignment.Attempt, started.Assignment.Fence));
            var before = DateTimeOffset.UtcNow;

            Assert.Equal(FailureOutcome.WillRetry, await run.Fail("a", started.Assignment.Fence, $"boom {attempt}"));

            var after = DateTimeOffset.UtcNow;
            var wait = Backoff * Math.Pow(2, attempt - 1);
            var task = await run.TaskAsync("a");
            Assert.Equal((TaskState.Ready, attempt, $"boom {attempt}", (string?)null), (task.State, task.Attempt, task.Error, task.Silo));
            Assert.InRange(task.NotBefore!.Value, before + wait, after + wait);
            var retry = (await run.EventsAsync())[^1];
            Assert.Equal((EventKinds.TaskRetry, "a"), (retry.Kind, retry.TaskId));
            Assert.Contains($"attempt {attempt} of 3 failed (boom {attempt}); retry in {wait.TotalSeconds:0.###} s", retry.Message);
            started.End(AttemptOutcome.Failed);

            var placed = await run.UntilAsync(s => s.Tasks[0].State == TaskState.Running, $"attempt {attempt + 1} is placed");
            Assert.True(placed.Tasks[0].StartedAt >= task.NotBefore, "placed before its back-off passed");
        }

        var last = await runner.NextAsync();
        Assert.Equal(3, last.Assignment.Attempt);

        Assert.Equal(FailureOutcome.RunFailed, await run.Fail("a", last.Assignment.Fence, "boom 3"));

        var failed = await run.SnapshotAsync();
        Assert.Equal((RunState.Failed, "task 'a' failed: boom 3"), (failed.Run.State, failed.Run.Error));
        Assert.Equal((TaskState.Failed, 3, "boom 3"), (failed.Tasks[0].State, failed.Tasks[0].Attempt, failed.Tasks[0].Error));
        Assert.Equal([EventKinds.TaskFailed, EventKinds.RunFailed], (await run.EventsAsync()).Select(e => e.Kind).ToArray()[^2..]);
    }

    [Fact]
    public async Task Fail_OfANonTeacherOnItsLastAttempt_FailsTheRunAndCancelsItsUnfinishedTasks()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 2, runner, o => o with { RetryBackoff = Backoff });
        var run = silo.Run("r1");
        // Only teachers have a quorum to excuse them.
        await run.Submit(Run("r1", maxAttempts: 2, T("a"), T("x"), T("b", "a")));
        var a1 = await runner.NextAsync();
        var x = await runner.NextAsync();
        Assert.Equal(("a", "x"), (a1.Assignment.TaskId, x.Assignment.TaskId));
        Assert.Equal(FailureOutcome.WillRetry, await run.Fail("a", a1.Assignment.Fence, "flaky"));
        a1.End(AttemptOutcome.Failed);
        var a2 = await runner.NextAsync();
        Assert.Equal(("a", 2), (a2.Assignment.TaskId, a2.Assignment.Attempt));
        var before = DateTimeOffset.UtcNow;

        Assert.Equal(FailureOutcome.RunFailed, await run.Fail("a", a2.Assignment.Fence, "out of memory"));

        var failed = await run.SnapshotAsync();
        Assert.Equal((RunState.Failed, "task 'a' failed: out of memory"), (failed.Run.State, failed.Run.Error));
        Assert.InRange(failed.Run.UpdatedAt, before, DateTimeOffset.UtcNow);
        Assert.Equal([TaskState.Failed, TaskState.Cancelled, TaskState.Cancelled], failed.Tasks.Select(t => t.State));
        Assert.Equal(("out of memory", false), (failed.Tasks[0].Error, failed.Tasks[0].Excused));
        Assert.All(failed.Tasks, t => Assert.Null(t.Silo));
        Assert.All(failed.Tasks, t => Assert.NotNull(t.FinishedAt));
        Assert.Equal([EventKinds.TaskFailed, EventKinds.RunFailed], (await run.EventsAsync()).Select(e => e.Kind).ToArray()[^2..]);
        // The other running attempt may no longer write: it learns it at its next fence check.
        Assert.Equal(AttemptStatus.Cancelled, await run.CheckAttempt("x", x.Assignment.Fence));
        Assert.False(await run.Complete("x", x.Assignment.Fence, RunGrainProbe.Nothing));
        a2.End(AttemptOutcome.Failed);
        Assert.Null(await runner.NextOrNoneAsync(1.0));
    }

    [Fact]
    public async Task Fail_OfATeacherAboveTheQuorum_IsExcusedAndTheOthersCarryTheRunToSuccess()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 3, runner);
        var run = silo.Run("r1");
        await run.Submit(Teachers("r1"));
        var teachers = await StartTeachersAsync(runner);

        Assert.Equal(FailureOutcome.Excused, await run.Fail("teacher/0", teachers[0].Assignment.Fence, "diverged"));
        teachers[0].End(AttemptOutcome.Failed);

        var tasks = (await run.SnapshotAsync()).Tasks;
        Assert.Equal((TaskState.Failed, "diverged", true), (tasks[0].State, tasks[0].Error, tasks[0].Excused));
        Assert.Equal(TaskState.Pending, tasks[3].State);
        Assert.Equal(RunState.Running, (await run.SnapshotAsync()).Run.State);
        var excused = (await run.EventsAsync())[^1];
        Assert.Equal((EventKinds.TaskFailed, "teacher/0"), (excused.Kind, excused.TaskId));
        Assert.Contains("excused: 2 teachers left, quorum 2", excused.Message);

        Assert.True(await run.Complete("teacher/1", teachers[1].Assignment.Fence, RunGrainProbe.Nothing));
        Assert.Equal(TaskState.Pending, (await run.TaskAsync("aggregate")).State);
        Assert.True(await run.Complete("teacher/2", teachers[2].Assignment.Fence, RunGrainProbe.Nothing));
        teachers[1].End();
        teachers[2].End();

        var aggregate = await runner.NextAsync();
        Assert.Equal(("aggregate", "aggregate"), (aggregate.Assignment.TaskId, aggregate.Assignment.Kind));
        Assert.True(await run.Complete("aggregate", aggregate.Assignment.Fence, RunGrainProbe.Nothing));
        var done = await run.SnapshotAsync();
        Assert.Equal((RunState.Succeeded, (string?)null), (done.Run.State, done.Run.Error));
        Assert.Equal([TaskState.Failed, TaskState.Succeeded, TaskState.Succeeded, TaskState.Succeeded], done.Tasks.Select(t => t.State));
    }

    [Fact]
    public async Task Fail_OfATeacherBelowTheQuorum_FailsTheRunAndCancelsTheRest()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 3, runner);
        var run = silo.Run("r1");
        await run.Submit(Teachers("r1"));
        var teachers = await StartTeachersAsync(runner);
        Assert.Equal(FailureOutcome.Excused, await run.Fail("teacher/0", teachers[0].Assignment.Fence, "diverged"));

        Assert.Equal(FailureOutcome.RunFailed, await run.Fail("teacher/1", teachers[1].Assignment.Fence, "nan loss"));

        var failed = await run.SnapshotAsync();
        Assert.Equal((RunState.Failed, "task 'teacher/1' failed: nan loss"), (failed.Run.State, failed.Run.Error));
        Assert.Equal([TaskState.Failed, TaskState.Failed, TaskState.Cancelled, TaskState.Cancelled], failed.Tasks.Select(t => t.State));
        Assert.Equal([true, false], failed.Tasks.Take(2).Select(t => t.Excused));
        Assert.Equal(AttemptStatus.Cancelled, await run.CheckAttempt("teacher/2", teachers[2].Assignment.Fence));
    }

    /// <summary>The three teachers of <see cref="RunPlans.Teachers"/>, started, in task order.</summary>
    internal static async Task<StartedAttempt[]> StartTeachersAsync(ScriptedRunner runner)
    {
        var started = new[] { await runner.NextAsync(), await runner.NextAsync(), await runner.NextAsync() };
        var ordered = started.OrderBy(t => t.Assignment.TaskId, StringComparer.Ordinal).ToArray();
        Assert.Equal(["teacher/0", "teacher/1", "teacher/2"], ordered.Select(t => t.Assignment.TaskId));
        return ordered;
    }
}
