using Ensemble.Grains.Execution;
using Ensemble.Silo.Tests.Runs;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Execution;

/// <summary>How a task grain answers its run asking it again to start an attempt it already has.</summary>
public sealed class TaskGrainTests
{
    [Fact]
    public async Task Start_OfTheAttemptItRuns_GoesOnWithoutStartingItTwice()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        await silo.Run("r1").Submit(Run("r1", T("a")));
        var first = await runner.NextAsync();

        var placement = await TaskGrainTypes.For(silo.Grains, WorkKind, "r1", "a").Start(first.Assignment);

        Assert.Equal(first.Slot, placement.Slot);
        Assert.Null(await runner.NextOrNoneAsync(seconds: 1));
        Assert.False(first.Stop.IsCancellationRequested);
    }

    [Fact]
    public async Task Start_OfAnAttemptThatGaveItselfUpAsSuperseded_StartsItAgainWithTheSameFence()
    {
        // The SIGTERM failover's race: the attempt began before its run had recorded it, read the run's older fence,
        // and gave itself up as superseded; the run's retried Start of that same attempt must start it again.
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 1, runner);
        await silo.Run("r1").Submit(Run("r1", T("a")));
        var first = await runner.NextAsync();

        first.End(AttemptOutcome.Superseded);
        // Long enough for the job to finish, well inside the grain's 500 ms watch that would otherwise retire it.
        await Task.Delay(20);
        var placement = await TaskGrainTypes.For(silo.Grains, WorkKind, "r1", "a").Start(first.Assignment);

        var again = await runner.NextOrNoneAsync(seconds: 2);
        Assert.NotNull(again);
        Assert.Equal((first.Assignment.Attempt, first.Assignment.Fence), (again.Assignment.Attempt, again.Assignment.Fence));
        Assert.Equal(placement.Slot, again.Slot);
        again.End();
    }
}
