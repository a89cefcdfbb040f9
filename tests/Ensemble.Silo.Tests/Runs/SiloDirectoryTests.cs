using Ensemble.Contracts.Grains;
using Ensemble.Silo.Tests.Testing;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>The silo directory: membership, each silo's slots and the tasks running on them, read together.</summary>
public sealed class SiloDirectoryTests
{
    [Fact]
    public async Task List_ShowsTheSiloWithItsSlotsAndTheTasksRunningOnIt()
    {
        var runner = new ScriptedRunner();
        await using var silo = await TestSilo.StartAsync(slots: 2, runner);
        var before = DateTimeOffset.UtcNow;
        await silo.Run("r1").Submit(Run("r1", T("b"), T("a"), T("c")));
        await runner.NextAsync();
        await runner.NextAsync();

        var listed = Assert.Single(await silo.Grains.GetGrain<ISiloDirectoryGrain>(0).List());

        Assert.Equal(("test-silo", 2, false), (listed.SiloId, listed.Slots, listed.Stopped));
        Assert.Equal(["r1:a", "r1:b"], listed.RunningTasks);
        Assert.True(listed.StartedAt <= before, $"started {listed.StartedAt}, after {before}");
        Assert.False(string.IsNullOrEmpty(listed.Host));
    }
}
