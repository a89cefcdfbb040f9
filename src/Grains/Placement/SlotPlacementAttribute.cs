using Orleans.Placement;

namespace Ensemble.Grains.Placement;

/// <summary>Marks a grain class as placed by <see cref="SlotPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SlotPlacementAttribute() : PlacementAttribute(new SlotPlacement());
