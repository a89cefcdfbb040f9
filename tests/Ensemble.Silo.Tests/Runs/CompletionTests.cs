using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>Completing tasks and reporting progress: what is recorded, what becomes ready, when the run succeeds.</summary>
public sealed class CompletionTests
{
    [Fact]
    public async Task Complete_RecordsResultAndArtifactsAndReadiesADependentOnlyWhenAllItsDependenciesFinish()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 2, runner);
        var run = silo.Run("r1");
        await run.Submit(Diamond("r1"));
        var a = await runner.NextAsync();
        var artifact = Artifact("a", "tasks/a/out.bin");
        var before = DateTimeOffset.UtcNow;

        Assert.True(await run.Complete("a", a.Assignment.Fence, new TaskCompletion("{\"accuracy\":0.5}", [artifact])));

        var tasks = (await run.SnapshotAsync()).Tasks;
        Assert.Equal((TaskState.Succeeded, "{\"accuracy\":0.5}", (string?)null), (tasks[0].State, tasks[0].ResultJson, tasks[0].Silo));
        Assert.InRange(tasks[0].FinishedAt!.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal(TaskState.Pending, tasks[3].State);
        Assert.Equal([artifact], await run.ListArtifacts());
        Assert.Equal(AttemptStatus.Superseded, await run.CheckAttempt("a", a.Assignment.Fence));
        a.End();

        // b and c run side by side, each given the artifacts recorded when it was placed.
        var siblings = new[] { await runner.NextAsync(), await runner.NextAsync() }.OrderBy(s => s.Assignment.TaskId, StringComparer.Ordinal).ToArray();
        Assert.Equal(["b", "c"], siblings.Select(s => s.Assignment.TaskId));
        Assert.All(siblings, s => Assert.Equal([artifact], s.Assignment.Inputs));
        Assert.True(await run.Complete("b", siblings[0].Assignment.Fence, RunGrainProbe.Nothing));
        siblings[0].End();
        Assert.Equal((RunState.Running, TaskState.Pending), await StatesAsync(run, "d"));
        Assert.True(await run.Complete("c", siblings[1].Assignment.Fence, RunGrainProbe.Nothing));
        siblings[1].End();

        var d = await runner.NextAsync();
        Assert.Equal("d", d.Assignment.TaskId);
        Assert.True(await run.Complete("d", d.Assignment.Fence, RunGrainProbe.Nothing));

        var done = await run.SnapshotAsync();
        Assert.Equal((RunState.Succeeded, (string?)null), (done.Run.State, done.Run.Error));
        Assert.All(done.Tasks, t => Assert.Equal(TaskState.Succeeded, t.State));
        Assert.Equal(
            [
                EventKinds.RunSubmitted, "task-placed:a", "task-succeeded:a", "task-placed:b", "task-placed:c", "task-succeeded:b", "task-succeeded:c",
                "task-placed:d", "task-succeeded:d", EventKinds.RunSucceeded,
            ],
            await run.EventKindsAsync());
        Assert.False(await run.Complete("d", d.Assignment.Fence, RunGrainProbe.Nothing));
    }

    [Fact]
    public async Task Complete_OfTwoSiblingsAtOnce_ReadiesTheirJoin()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 3, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("b"), T("c"), T("d", "b", "c")));
        var b = await runner.NextAsync();
        var c = await runner.NextAsync();

        var done = await Task.WhenAll(
            Task.Run(() => run.Complete(b.Assignment.TaskId, b.Assignment.Fence, RunGrainProbe.Nothing)),
            Task.Run(() => run.Complete(c.Assignment.TaskId, c.Assignment.Fence, RunGrainProbe.Nothing)));

        Assert.Equal([true, true], done);
        Assert.Equal("d", (await runner.NextAsync()).Assignment.TaskId);
    }

    [Fact]
    public async Task Complete_WithAnArtifactOfAnotherTask_IsRefusedAndRecordsNone()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b")));
        var a = await runner.NextAsync();
        var before = await run.DumpAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            run.Complete("a", a.Assignment.Fence, new TaskCompletion("{}", [Artifact("a", "a.bin"), Artifact("b", "b.bin")])));

        Assert.Contains("artifact 'b.bin' belongs to r1:b, not to r1:a", error.Message);
        Assert.Equal(before, await run.DumpAsync());
        // The next write records only what it is about.
        Assert.True(await run.ReportProgress("a", a.Assignment.Fence, "{}", "still going"));
        Assert.Empty(await run.ListArtifacts());
    }

    [Fact]
    public async Task ListArtifacts_GivesTheRecordedArtifactsByName()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b", "a")));
        var a = await runner.NextAsync();
        var recorded = new[] { Artifact("a", "z.bin"), Artifact("a", "a/x.json"), Artifact("a", "M.bin") };

        Assert.True(await run.Complete("a", a.Assignment.Fence, new TaskCompletion("{}", recorded)));
        a.End();

        var expected = recorded.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["M.bin", "a/x.json", "z.bin"], expected.Select(r => r.Name));
        Assert.Equal(expected, await run.ListArtifacts());
        Assert.Equal(expected, (await runner.NextAsync()).Assignment.Inputs);
    }

    [Fact]
    public async Task ReportProgress_IsRecordedOnTheTaskAndAsATaskProgressEventWithItsData()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var a = await runner.NextAsync();

        Assert.True(await run.ReportProgress("a", a.Assignment.Fence, "{\"epoch\":3}", "epoch 3 of 10"));
        Assert.True(await run.ReportProgress("a", a.Assignment.Fence, "{\"epoch\":4}", "epoch 4 of 10"));

        Assert.Equal("{\"epoch\":4}", (await run.TaskAsync("a")).ProgressJson);
        var progress = (await run.EventsAsync()).Where(e => e.Kind == EventKinds.TaskProgress).ToList();
        Assert.Equal([("a", "epoch 3 of 10", "{\"epoch\":3}"), ("a", "epoch 4 of 10", "{\"epoch\":4}")],
            progress.Select(e => (e.TaskId, e.Message, e.DataJson)));
        Assert.Equal(TaskState.Running, (await run.TaskAsync("a")).State);
    }

    private static async Task<(RunState Run, TaskState Task)> StatesAsync(Ensemble.Contracts.Grains.IRunGrain run, string taskId)
    {
        var snapshot = await run.SnapshotAsync();
        return (snapshot.Run.State, snapshot.Tasks.Single(t => t.TaskId == taskId).State);
    }

    private static ArtifactRecord Artifact(string taskId, string name) =>
        new("r1", name, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))), name.Length,
            taskId, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567));
}
