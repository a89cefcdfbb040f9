using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>Only the attempt holding a task's current fence may write on its behalf; any other changes nothing.</summary>
public sealed class FencingTests
{
    private static readonly string[] Writes = ["started", "progress", "complete", "fail", "release"];

    public static TheoryData<string> EveryWrite => [.. Writes];

    [Theory]
    [MemberData(nameof(EveryWrite))]
    public async Task FencedWrite_WithAStaleFence_IsRefusedAndChangesNothing(string write)
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b", "a")));
        var stale = await runner.NextAsync();
        // The task is placed again under a new fence (its silo was declared dead): the first attempt is stale.
        Assert.True(await run.TaskLost("a", silo.SiloAddress, "declared dead by the cluster"));
        var current = await runner.NextAsync();
        Assert.Equal((1L, 2L), (stale.Assignment.Fence, current.Assignment.Fence));
        var before = await run.DumpAsync();

        Assert.False(await WriteAsync(run, write, stale.Assignment.Fence));

        Assert.Equal(before, await run.DumpAsync());
        Assert.Equal(AttemptStatus.Superseded, await run.CheckAttempt("a", stale.Assignment.Fence));
        Assert.True(await run.Complete("a", current.Assignment.Fence, RunGrainProbe.Nothing));
    }

    [Fact]
    public async Task FencedWrites_WithAFenceFromTheFuture_AreRefusedAndChangeNothing()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var current = await runner.NextAsync();
        var before = await run.DumpAsync();

        foreach (var write in Writes) Assert.False(await WriteAsync(run, write, current.Assignment.Fence + 1), write);

        Assert.Equal(before, await run.DumpAsync());
        Assert.Equal(AttemptStatus.Superseded, await run.CheckAttempt("a", current.Assignment.Fence + 1));
        Assert.Equal(AttemptStatus.Current, await run.CheckAttempt("a", current.Assignment.Fence));
    }

    [Fact]
    public async Task FencedWrites_OfATaskThatIsNotRunning_AreRefusedAndChangeNothing()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a"), T("b", "a")));
        await runner.NextAsync();
        var before = await run.DumpAsync();

        foreach (var write in Writes)
        {
            // b is pending (fence 0); "x" is no task of the run.
            Assert.False(await WriteAsync(run, write, 0, "b"), write);
            Assert.False(await WriteAsync(run, write, 1, "x"), write);
        }

        Assert.Equal(before, await run.DumpAsync());
    }

    /// <summary>Makes <paramref name="write"/> for <paramref name="taskId"/> under <paramref name="fence"/>; true when it was accepted.</summary>
    private static async Task<bool> WriteAsync(IRunGrain run, string write, long fence, string taskId = "a") => write switch
    {
        "started" => await run.AttemptStarted(taskId, fence, "stale start"),
        "progress" => await run.ReportProgress(taskId, fence, "{\"epoch\":9}", "stale progress"),
        "complete" => await run.Complete(taskId, fence,
            new TaskCompletion("{\"stale\":true}", [new ArtifactRecord("r1", "stale.bin", "66", 1, taskId, DateTimeOffset.UtcNow)])),
        "fail" => await run.Fail(taskId, fence, "stale failure") != FailureOutcome.Refused,
        "release" => await run.Release(taskId, fence, "stale release"),
        _ => throw new ArgumentOutOfRangeException(nameof(write), write, "no such write"),
    };
}
