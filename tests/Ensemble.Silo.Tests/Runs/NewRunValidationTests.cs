using Ensemble.Contracts.Grains;
using static Ensemble.Silo.Tests.Runs.RunPlans;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>A run whose graph or settings cannot work is refused before its grain stores anything, naming what is wrong.</summary>
public sealed class NewRunValidationTests(IdleSilo fixture) : IClassFixture<IdleSilo>
{
    [Theory]
    [InlineData("a later dependency", "task 'a' depends on 'b', which is not an earlier task of the run")]
    [InlineData("an unknown dependency", "task 'a' depends on 'x', which is not an earlier task of the run")]
    [InlineData("a repeated task id", "task id 'a' appears twice")]
    [InlineData("a repeated dependency", "task 'b' lists a dependency twice")]
    [InlineData("no tasks", "NewRun.Tasks is empty")]
    [InlineData("no attempts", "NewRun.MaxAttempts is 0; it must be at least 1")]
    [InlineData("a negative quorum", "NewRun.TeachersMin is -1; it must not be negative")]
    [InlineData("an empty task id", "Tasks[0].TaskId is empty")]
    [InlineData("an empty kind", "task 'a' has an empty Kind")]
    [InlineData("an unknown kind", "task 'a' has the unknown Kind 'work'")]
    [InlineData("an empty run id", "NewRun.RunId is empty")]
    [InlineData("a run id with a slash", "' holds a '/'")]
    public async Task Submit_OfAnInvalidRun_IsRefusedNamingTheFieldAndStoresNothing(string invalid, string expected)
    {
        var silo = fixture.Silo;
        var newRun = invalid switch
        {
            "a later dependency" => Run("r1", T("a", "b"), T("b")),
            "an unknown dependency" => Run("r1", T("a", "x")),
            "a repeated task id" => Run("r1", T("a"), T("a")),
            "a repeated dependency" => Run("r1", T("a"), T("b", "a", "a")),
            "no tasks" => Run("r1"),
            "no attempts" => Run("r1", maxAttempts: 0, T("a")),
            "a negative quorum" => Run("r1", T("a")) with { TeachersMin = -1 },
            "an empty task id" => Run("r1", T(" ")),
            "an empty kind" => Run("r1", T("a") with { Kind = "" }),
            "an unknown kind" => Run("r1", T("a") with { Kind = "work" }),
            "an empty run id" => Run("", T("a")),
            "a run id with a slash" => Run("r/1", T("a")),
            _ => throw new ArgumentOutOfRangeException(nameof(invalid), invalid, "no such case"),
        };
        // Each case its own grain on the shared silo.
        var grainKey = $"{newRun.RunId}-{invalid.Replace(' ', '-')}";
        newRun = newRun with { RunId = newRun.RunId.Length == 0 ? "" : grainKey };
        var run = silo.Run(grainKey);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => run.Submit(newRun));

        Assert.Contains(expected, error.Message);
        Assert.Null(await run.Get());
        Assert.Empty(await run.EventsAsync());
        Assert.DoesNotContain(await silo.Grains.GetGrain<IRunIndexGrain>(0).Entries(), e => e.RunId == grainKey);
    }
}
