namespace Ensemble.Grains.Placement;

/// <summary>The persistent state of <see cref="SlotRegistryGrain"/>.</summary>
[GenerateSerializer]
public sealed class SlotRegistryState
{
    /// <summary>Every slot held now.</summary>
    [Id(0)]
    public List<SlotReservation> Reservations { get; set; } = [];
}
