namespace Ensemble.Grains.Placement;

/// <summary>
/// The cluster's slot occupancy (one grain, key 0, persistent state): which task grain holds which slot of which
/// silo. Reservations are idempotent per grain, and reservations on silos that are no longer candidates (dead)
/// are dropped, so slots on dead silos free themselves.
/// </summary>
public interface ISlotRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The slot <paramref name="grain"/> holds if its silo is still among <paramref name="candidates"/>; otherwise a
    /// free slot on the candidate with the most free slots; null when none is free.
    /// </summary>
    Task<SlotReservation?> Reserve(GrainId grain, IReadOnlyList<SiloSlots> candidates);

    /// <summary>The slot <paramref name="grain"/> holds, if any.</summary>
    Task<SlotReservation?> Find(GrainId grain);

    /// <summary>Frees the slot <paramref name="grain"/> holds on <paramref name="silo"/> (nothing when it holds none there).</summary>
    Task Release(GrainId grain, SiloAddress silo);

    /// <summary>Frees every slot of <paramref name="silo"/> (it died) and returns the reservations that were there.</summary>
    Task<IReadOnlyList<SlotReservation>> SiloLost(SiloAddress silo);

    /// <summary>Every reservation.</summary>
    Task<IReadOnlyList<SlotReservation>> List();
}
