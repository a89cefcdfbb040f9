namespace Ensemble.Silo.Tests.Storage.Postgres;

/// <summary>Keeps a value in the "ensemble" grain storage and registers reminders.</summary>
public sealed class ClusterTestGrain(
    [PersistentState("state", PostgresClusterTests.StorageName)] IPersistentState<ClusterTestState> state)
    : Grain, IClusterTestGrain, IRemindable
{
    /// <inheritdoc/>
    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);

    /// <inheritdoc/>
    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);

    /// <inheritdoc/>
    public Task RegisterReminderAsync(string name, TimeSpan period) => this.RegisterOrUpdateReminder(name, period, period);

    /// <inheritdoc/>
    public async Task<bool> HasReminderAsync(string name) => await this.GetReminder(name) is not null;

    /// <inheritdoc/>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
