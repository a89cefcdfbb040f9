using Ensemble.Grains.Runs;
using Ensemble.Silo.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>An unfinished run holds a reminder, the slow safety net that brings its grain back when nothing else calls it; a finished run lets it go.</summary>
public sealed class SafetyNetTests
{
    [Fact]
    public async Task An_unfinished_run_holds_its_reminder_and_lets_it_go_once_finished()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var reminders = silo.Services.GetRequiredService<IReminderTable>();
        var grain = run.GetGrainId();

        var held = await reminders.ReadRows(grain);
        var entry = Assert.Single(held.Reminders);
        Assert.Equal(RunGrain.SafetyNetReminder, entry.ReminderName);
        Assert.Equal(TimeSpan.FromMinutes(1), entry.Period);

        await run.Cancel();
        await Deadline.UntilAsync(async () => (await reminders.ReadRows(grain)).Reminders.Count, n => n == 0, "the cancelled run's reminder unregistered", seconds: 10);
    }

    [Fact]
    public async Task The_reminder_brings_back_an_unfinished_run_grain_that_nothing_calls()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0, configure: o => o with { SafetyNetPeriod = TimeSpan.FromSeconds(2) });
        var run = silo.Run("r1");
        await run.Submit(Run("r1", T("a")));
        var management = silo.Grains.GetGrain<IManagementGrain>(0);

        await run.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Deadline.UntilAsync(() => RunGrainActivationsAsync(management), n => n == 0, "the run grain deactivated", seconds: 10);

        // Nothing here calls the run grain again: only its reminder can activate it.
        await Deadline.UntilAsync(() => RunGrainActivationsAsync(management), n => n == 1, "the run grain activated by its reminder", seconds: 15);
    }

    private static async Task<int> RunGrainActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains(nameof(RunGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
}
