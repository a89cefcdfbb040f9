using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Placement;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Ensemble.Grains.Cluster;

/// <summary>The <see cref="ISiloDirectoryGrain"/>: membership, silo metadata and the slot registry, read together.</summary>
[StatelessWorker]
public sealed class SiloDirectoryGrain(ISiloMetadataCache metadata) : Grain, ISiloDirectoryGrain
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<SiloRecord>> List()
    {
        var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).ConfigureAwait(true);
        var reservations = await GrainFactory.GetGrain<ISlotRegistryGrain>(0).List().ConfigureAwait(true);
        var silos = new List<SiloRecord>(hosts.Length);
        foreach (var host in hosts)
        {
            var meta = metadata.GetSiloMetadata(host.SiloAddress);
            var running = reservations.Where(r => r.Silo.Equals(host.SiloAddress))
                .Select(r => TaskGrainTypes.Parse(r.Grain.Key.ToString()!))
                .Select(k => $"{k.RunId}:{k.TaskId}")
                .Order(StringComparer.Ordinal)
                .ToList();
            silos.Add(new SiloRecord(SiloSlotMetadata.Name(meta, host.SiloName), host.HostName, SiloSlotMetadata.Url(meta),
                SiloSlotMetadata.Slots(meta), host.StartTime, host.IAmAliveTime, host.Status != SiloStatus.Active, running));
        }

        silos.Sort((a, b) => string.CompareOrdinal(a.SiloId, b.SiloId));
        return silos;
    }
}
