namespace Ensemble.Grains.Placement;

/// <summary>One task grain's hold on one slot of one silo.</summary>
/// <param name="Grain">The task grain.</param>
/// <param name="Silo">The silo it was placed on.</param>
/// <param name="Slot">The slot's number on that silo.</param>
[GenerateSerializer]
public sealed record SlotReservation(GrainId Grain, SiloAddress Silo, int Slot);
