using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Orleans.Runtime;

namespace Ensemble.Grains.Runs;

/// <summary>The one <see cref="IRunIndexGrain"/> of a cluster.</summary>
public sealed class RunIndexGrain([PersistentState("runs", StorageNames.Ensemble)] IPersistentState<RunIndexState> state) : Grain, IRunIndexGrain
{
    /// <inheritdoc/>
    public async Task Record(RunIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // Run grains record after every change, progress included; only a changed state or count is written.
        if (state.State.Runs.TryGetValue(entry.RunId, out var known) && known.State == entry.State && known.Tasks.SequenceEqual(entry.Tasks)) return;
        state.State.Runs[entry.RunId] = entry;
        await state.WriteStateAsync().ConfigureAwait(true);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> List(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Task.FromResult<IReadOnlyList<string>>([.. Ordered().Reverse().Take(limit).Select(e => e.RunId)]);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> Unfinished() =>
        Task.FromResult<IReadOnlyList<string>>([.. Ordered().Where(e => !StateNames.IsTerminal(e.State)).Select(e => e.RunId)]);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunIndexEntry>> Entries() => Task.FromResult<IReadOnlyList<RunIndexEntry>>([.. Ordered()]);

    /// <summary>Oldest first; ties (runs submitted in the same tick) by id, so every call agrees.</summary>
    private IEnumerable<RunIndexEntry> Ordered() =>
        state.State.Runs.Values.OrderBy(e => e.CreatedAt).ThenBy(e => e.RunId, StringComparer.Ordinal);
}
