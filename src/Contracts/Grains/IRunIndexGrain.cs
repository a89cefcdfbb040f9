using Ensemble.Contracts.Runs;

namespace Ensemble.Contracts.Grains;

/// <summary>
/// The cluster's list of runs (one grain, key 0): every run's id, submission time, state and task counts, so
/// listing and metrics do not wake every run grain. Each run grain reports its own changes.
/// </summary>
public interface IRunIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces the entry of <paramref name="entry"/>'s run.</summary>
    Task Record(RunIndexEntry entry);

    /// <summary>The newest runs' ids first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> List(int limit);

    /// <summary>The runs that have not finished, oldest first.</summary>
    Task<IReadOnlyList<string>> Unfinished();

    /// <summary>Every run's entry (metrics).</summary>
    Task<IReadOnlyList<RunIndexEntry>> Entries();
}
