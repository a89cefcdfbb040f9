using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Ensemble.Grains.Placement;

/// <summary>
/// Places a <see cref="SlotPlacement"/> grain on a compatible silo with a free slot, reserving it in the
/// <see cref="ISlotRegistryGrain"/> (the run grain reserves one before it calls, so this finds it held). With none
/// free it throws <see cref="NoFreeSlotException"/>, which reaches the caller, which keeps the task ready and tries again.
/// </summary>
public sealed class SlotPlacementDirector(IGrainFactory grains, ISiloMetadataCache metadata) : IPlacementDirector
{
    /// <inheritdoc/>
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var candidates = SiloSlotMetadata.Candidates(context.GetCompatibleSilos(target), metadata);
        var reservation = await grains.GetGrain<ISlotRegistryGrain>(0).Reserve(target.GrainIdentity, candidates).ConfigureAwait(false);
        return reservation?.Silo ?? throw new NoFreeSlotException(target.GrainIdentity.ToString());
    }
}
