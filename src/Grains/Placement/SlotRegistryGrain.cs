using Orleans.Runtime;

namespace Ensemble.Grains.Placement;

/// <summary>The one <see cref="ISlotRegistryGrain"/> of a cluster.</summary>
public sealed class SlotRegistryGrain([PersistentState("slots", StorageNames.Ensemble)] IPersistentState<SlotRegistryState> state)
    : Grain, ISlotRegistryGrain
{
    private List<SlotReservation> Reservations => state.State.Reservations;

    /// <inheritdoc/>
    public async Task<SlotReservation?> Reserve(GrainId grain, IReadOnlyList<SiloSlots> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var alive = candidates.Select(c => c.Silo).ToHashSet();
        var changed = Reservations.RemoveAll(r => !alive.Contains(r.Silo)) > 0;
        var held = Reservations.FirstOrDefault(r => r.Grain == grain);
        if (held is null)
        {
            var best = candidates
                .Select(c => (c.Silo, Free: FreeSlots(c)))
                .Where(c => c.Free.Count > 0)
                .OrderByDescending(c => c.Free.Count)
                .ThenBy(c => c.Silo.ToString(), StringComparer.Ordinal)
                .FirstOrDefault();
            if (best.Free is { Count: > 0 } free)
            {
                held = new SlotReservation(grain, best.Silo, free[0]);
                Reservations.Add(held);
                changed = true;
            }
        }

        if (changed) await state.WriteStateAsync().ConfigureAwait(true);
        return held;
    }

    /// <inheritdoc/>
    public Task<SlotReservation?> Find(GrainId grain) => Task.FromResult(Reservations.FirstOrDefault(r => r.Grain == grain));

    /// <inheritdoc/>
    public async Task Release(GrainId grain, SiloAddress silo)
    {
        if (Reservations.RemoveAll(r => r.Grain == grain && r.Silo.Equals(silo)) > 0) await state.WriteStateAsync().ConfigureAwait(true);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlotReservation>> SiloLost(SiloAddress silo)
    {
        var lost = Reservations.Where(r => r.Silo.Equals(silo)).ToList();
        if (lost.Count == 0) return lost;
        Reservations.RemoveAll(r => r.Silo.Equals(silo));
        await state.WriteStateAsync().ConfigureAwait(true);
        return lost;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SlotReservation>> List() => Task.FromResult<IReadOnlyList<SlotReservation>>([.. Reservations]);

    private List<int> FreeSlots(SiloSlots silo)
    {
        var taken = Reservations.Where(r => r.Silo.Equals(silo.Silo)).Select(r => r.Slot).ToHashSet();
        return [.. Enumerable.Range(0, Math.Max(0, silo.Slots)).Where(s => !taken.Contains(s))];
    }
}
