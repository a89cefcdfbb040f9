using Ensemble.Contracts.Runs;

namespace Ensemble.Contracts.Grains;

/// <summary>The cluster's silos as membership knows them, with their slots and the tasks running on them (a stateless grain, key 0).</summary>
public interface ISiloDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Every silo membership lists (dead ones until Orleans cleans them up), sorted by name.</summary>
    Task<IReadOnlyList<SiloRecord>> List();
}
