using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;
using Xunit.Sdk;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>Reads a run grain the way the tests compare it.</summary>
internal static class RunGrainProbe
{
    /// <summary>A completion with no result to speak of and no artifacts.</summary>
    public static readonly TaskCompletion Nothing = new("{}", []);

    /// <summary>The run's grain on <paramref name="silo"/>.</summary>
    public static IRunGrain Run(this TestSilo silo, string runId) => silo.Grains.GetGrain<IRunGrain>(runId);

    /// <summary>The run, which must exist.</summary>
    public static async Task<RunSnapshot> SnapshotAsync(this IRunGrain run) =>
        await run.Get() ?? throw new XunitException($"run '{run.GetPrimaryKeyString()}' does not exist");

    /// <summary>Task <paramref name="taskId"/> of the run.</summary>
    public static async Task<TaskRecord> TaskAsync(this IRunGrain run, string taskId) =>
        (await run.SnapshotAsync()).Tasks.Single(t => t.TaskId == taskId);

    /// <summary>Every event of the run, oldest first.</summary>
    public static Task<IReadOnlyList<RunEvent>> EventsAsync(this IRunGrain run) => run.ReadEvents(0, int.MaxValue);

    /// <summary>The kinds of the run's events, each with its task (<c>kind</c> or <c>kind:task</c>).</summary>
    public static async Task<List<string>> EventKindsAsync(this IRunGrain run) =>
        [.. (await run.EventsAsync()).Select(e => e.TaskId is null ? e.Kind : $"{e.Kind}:{e.TaskId}")];

    /// <summary>Polls the run until <paramref name="done"/> holds.</summary>
    public static Task<RunSnapshot> UntilAsync(this IRunGrain run, Func<RunSnapshot, bool> done, string what, double seconds = 10) =>
        Deadline.UntilAsync(run.SnapshotAsync, done, what, seconds);

    /// <summary>Everything the run grain shows of a run (run, tasks, artifacts, events) as text, to compare before and after.</summary>
    public static async Task<string> DumpAsync(this IRunGrain run)
    {
        var snapshot = await run.SnapshotAsync();
        var tasks = snapshot.Tasks.Select(t => $"{t with { DependsOn = [] }} <- {string.Join(",", t.DependsOn)}");
        var artifacts = (await run.ListArtifacts()).Select(a => a.ToString());
        var events = (await run.EventsAsync()).Select(e => e.ToString());
        return string.Join("\n", [snapshot.Run.ToString(), .. tasks, .. artifacts, .. events]);
    }
}
