namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>A grain whose persistent state names no storage, so it lives in the default one.</summary>
public sealed class DefaultCounterGrain([PersistentState("state")] IPersistentState<CounterState> state) : Grain, IDefaultCounterGrain
{
    /// <inheritdoc/>
    public async Task<int> AddAsync(int amount)
    {
        state.State.Count += amount;
        await state.WriteStateAsync();
        return state.State.Count;
    }
}
