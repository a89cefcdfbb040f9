using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Ensemble.Grains.Placement;

/// <summary>
/// Places a <see cref="SlotPlacement"/> grain on a compatible silo with a free slot, reserving it in the
/// <see cref="ISlotRegistryGrain"/>. With none free it throws <see cref="NoFreeSlotException"/>, which reaches the
/// caller (the run grain), which keeps the task ready and tries again.
/// </summary>
public sealed class SlotPlacementDirector(IGrainFactory grains, ISiloMetadataCache metadata) : IPlacementDirector
{
    /// <inheritdoc/>
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var candidates = context.GetCompatibleSilos(target)
            .Select(silo => new SiloSlots(silo, SiloSlotMetadata.Slots(metadata.GetSiloMetadata(silo))))
            .ToList();
        var reservation = await grains.GetGrain<ISlotRegistryGrain>(0).Reserve(target.GrainIdentity, candidates).ConfigureAwait(false);
        return reservation?.Silo ?? throw new NoFreeSlotException(target.GrainIdentity.ToString());
    }
}
