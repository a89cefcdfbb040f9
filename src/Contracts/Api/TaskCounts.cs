namespace Ensemble.Contracts.Api;

/// <summary>How many of a run's tasks are in each state.</summary>
/// <param name="Pending">Waiting for a dependency.</param>
/// <param name="Ready">Claimable (or waiting out a retry back-off).</param>
/// <param name="Running">Held by a silo.</param>
/// <param name="Succeeded">Finished.</param>
/// <param name="Failed">Failed for good.</param>
/// <param name="Cancelled">Cancelled with their run.</param>
public sealed record TaskCounts(int Pending, int Ready, int Running, int Succeeded, int Failed, int Cancelled)
{
    /// <summary>Every task of the run.</summary>
    public int Total => Pending + Ready + Running + Succeeded + Failed + Cancelled;

    /// <summary>The counts of <paramref name="states"/>.</summary>
    public static TaskCounts Of(IEnumerable<ApiTaskState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var n = new int[Enum.GetValues<ApiTaskState>().Length];
        foreach (var state in states) n[(int)state]++;
        return new TaskCounts(n[(int)ApiTaskState.Pending], n[(int)ApiTaskState.Ready], n[(int)ApiTaskState.Running],
            n[(int)ApiTaskState.Succeeded], n[(int)ApiTaskState.Failed], n[(int)ApiTaskState.Cancelled]);
    }
}
