namespace Ensemble.Grains.Placement;

/// <summary>A silo that may take work, with its number of task slots.</summary>
/// <param name="Silo">The silo.</param>
/// <param name="Slots">Its task slots (from its silo metadata).</param>
[GenerateSerializer]
public sealed record SiloSlots(SiloAddress Silo, int Slots);
