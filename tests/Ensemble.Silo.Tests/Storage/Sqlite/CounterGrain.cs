namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>A grain whose one persistent state lives in the "ensemble" SQLite storage.</summary>
public sealed class CounterGrain([PersistentState("state", SqliteSilo.StorageName)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    /// <inheritdoc/>
    public async Task<int> AddAsync(int amount)
    {
        state.State.Count += amount;
        state.State.History.Add(amount);
        await state.WriteStateAsync();
        return state.State.Count;
    }

    /// <inheritdoc/>
    public Task<int> GetAsync() => Task.FromResult(state.State.Count);

    /// <inheritdoc/>
    public Task<bool> RecordExistsAsync() => Task.FromResult(state.RecordExists);

    /// <inheritdoc/>
    public Task ClearAsync() => state.ClearStateAsync();
}
