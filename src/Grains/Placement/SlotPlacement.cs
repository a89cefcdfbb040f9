using Orleans.Runtime;

namespace Ensemble.Grains.Placement;

/// <summary>
/// Places a training grain only on a silo with a free task slot (one per GPU, or one CPU slot): Orleans has no
/// placement that counts them. <see cref="SlotPlacementDirector"/> decides.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SlotPlacement : PlacementStrategy;
