using Ensemble.Silo.Storage.Sqlite;
using Orleans.Storage;

namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary><see cref="SqliteGrainStorage"/> in a real silo: through grains, and called directly as the silo registered it.</summary>
public sealed class SqliteGrainStorageTests : IAsyncLifetime
{
    private const string StateName = "state";

    private readonly TempDatabase _database = new();
    private SqliteSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await SqliteSilo.StartAsync(_database.Path);

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _database.Dispose();
    }

    private SqliteGrainStorage Storage => _silo.Storage;

    [Fact]
    public async Task State_WrittenByAGrain_SurvivesASiloRestartOnTheSameFile()
    {
        var counter = _silo.Grains.GetGrain<ICounterGrain>("restart");
        await counter.AddAsync(3);
        Assert.Equal(7, await counter.AddAsync(4));
        await _silo.DisposeAsync();

        _silo = await SqliteSilo.StartAsync(_database.Path);

        var again = _silo.Grains.GetGrain<ICounterGrain>("restart");
        Assert.Equal(7, await again.GetAsync());
        Assert.True(await again.RecordExistsAsync());
        var stored = await ReadAsync(StateName, again.GetGrainId());
        Assert.Equal([3, 4], stored.Value().History);
        Assert.Equal("2", stored.ETag);
        Assert.Equal(1L, await _database.ScalarAsync("PRAGMA user_version;"));
        Assert.Equal("wal", await _database.ScalarAsync("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Read_OfStateNeverWritten_GivesAFreshStateNoETagAndNoRecord()
    {
        var state = new GrainState<CounterState> { State = null!, ETag = "stale", RecordExists = true };

        await Storage.ReadStateAsync(StateName, CounterId("never"), state);

        Assert.NotNull(state.State);
        Assert.Equal(0, state.Value().Count);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task Write_SetsAGrowingETagAndRecordExists()
    {
        var state = new GrainState<CounterState>(new CounterState { Count = 1 });

        await Storage.WriteStateAsync(StateName, CounterId("etag"), state);
        Assert.Equal("1", state.ETag);
        Assert.True(state.RecordExists);

        await Storage.WriteStateAsync(StateName, CounterId("etag"), state);
        Assert.Equal("2", state.ETag);
    }

    [Fact]
    public async Task Write_WithStaleEtag_IsRefusedAndChangesNothing()
    {
        var id = CounterId("stale");
        await WriteAsync(StateName, id, new CounterState { Count = 1 });
        var first = await ReadAsync(StateName, id);
        var second = await ReadAsync(StateName, id);
        second.Value().Count = 2;
        await Storage.WriteStateAsync(StateName, id, second);

        first.Value().Count = 99;
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, first));

        Assert.Equal("2", refused.StoredEtag);
        Assert.Equal("1", refused.CurrentEtag);
        Assert.Contains($"'{StateName}'", refused.Message);
        Assert.Contains(id.ToString(), refused.Message);
        Assert.Equal("1", first.ETag);
        var stored = await ReadAsync(StateName, id);
        Assert.Equal(2, stored.Value().Count);
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task Write_WithoutEtag_OverAStoredState_IsRefused()
    {
        var id = CounterId("no-etag");
        await WriteAsync(StateName, id, new CounterState { Count = 1 });

        var refused = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StateName, id, new GrainState<CounterState>(new CounterState { Count = 5 })));

        Assert.Equal("1", refused.StoredEtag);
        Assert.Null(refused.CurrentEtag);
        Assert.Equal(1, (await ReadAsync(StateName, id)).Value().Count);
    }

    [Fact]
    public async Task Write_WithEtag_WhenNothingIsStored_IsRefusedAndStoresNothing()
    {
        var id = CounterId("gone");

        var refused = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StateName, id, new GrainState<CounterState>(new CounterState { Count = 5 }, "4")));

        Assert.Null(refused.StoredEtag);
        Assert.Equal("4", refused.CurrentEtag);
        Assert.False((await ReadAsync(StateName, id)).RecordExists);
        Assert.Equal(0L, await _database.ScalarAsync("SELECT count(*) FROM grain_state;"));
    }

    [Fact]
    public async Task ConcurrentWrites_FromOneETag_LetExactlyOneThrough()
    {
        var id = CounterId("race");
        await WriteAsync(StateName, id, new CounterState());
        var copies = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ReadAsync(StateName, id)));

        var outcomes = await Task.WhenAll(copies.Select(async (copy, i) =>
        {
            copy.Value().Count = i + 1;
            try
            {
                await Task.Run(() => Storage.WriteStateAsync(StateName, id, copy));
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Single(outcomes, won => won);
        var winner = copies[Array.IndexOf(outcomes, true)];
        var stored = await ReadAsync(StateName, id);
        Assert.Equal(winner.Value().Count, stored.Value().Count);
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task Clear_ThenRead_GivesNoRecordAndAFreshState()
    {
        var id = CounterId("clear");
        var state = await WriteAsync(StateName, id, new CounterState { Count = 8 });

        await Storage.ClearStateAsync(StateName, id, state);

        Assert.False(state.RecordExists);
        Assert.Equal("2", state.ETag);
        Assert.Equal(0, state.Value().Count);
        var read = await ReadAsync(StateName, id);
        Assert.False(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(0, read.Value().Count);

        read.Value().Count = 1;
        await Storage.WriteStateAsync(StateName, id, read);
        Assert.Equal("3", read.ETag);
        Assert.Equal(1, (await ReadAsync(StateName, id)).Value().Count);
    }

    [Fact]
    public async Task Clear_WithStaleEtag_IsRefusedAndKeepsTheState()
    {
        var id = CounterId("clear-stale");
        var stale = await WriteAsync(StateName, id, new CounterState { Count = 1 });
        var current = await ReadAsync(StateName, id);
        current.Value().Count = 2;
        await Storage.WriteStateAsync(StateName, id, current);

        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, id, stale));

        Assert.Equal("2", refused.StoredEtag);
        Assert.Equal("1", refused.CurrentEtag);
        var stored = await ReadAsync(StateName, id);
        Assert.True(stored.RecordExists);
        Assert.Equal(2, stored.Value().Count);
    }

    [Fact]
    public async Task Write_WithAnEtagFromBeforeAClear_IsRefused()
    {
        var id = CounterId("before-clear");
        var before = await WriteAsync(StateName, id, new CounterState { Count = 1 });
        var clearer = await ReadAsync(StateName, id);
        await Storage.ClearStateAsync(StateName, id, clearer);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, before));

        Assert.False((await ReadAsync(StateName, id)).RecordExists);
    }

    [Fact]
    public async Task Clear_ThroughAGrain_LeavesNoRecordAfterARestart()
    {
        var counter = _silo.Grains.GetGrain<ICounterGrain>("cleared");
        await counter.AddAsync(5);
        await counter.ClearAsync();
        Assert.Equal(0, await counter.GetAsync());
        Assert.Equal(1, await counter.AddAsync(1));
        await counter.ClearAsync();
        await _silo.DisposeAsync();

        _silo = await SqliteSilo.StartAsync(_database.Path);

        var again = _silo.Grains.GetGrain<ICounterGrain>("cleared");
        Assert.False(await again.RecordExistsAsync());
        Assert.Equal(0, await again.GetAsync());
    }

    [Fact]
    public async Task StateNamesAndGrainIds_DoNotCollide()
    {
        var x = CounterId("x");
        var y = CounterId("y");
        var otherType = GrainId.Create("other", "x");
        await WriteAsync("a", x, new CounterState { Count = 1 });
        await WriteAsync("b", x, new CounterState { Count = 2 });
        await WriteAsync("a", y, new CounterState { Count = 3 });
        await WriteAsync("a", otherType, new CounterState { Count = 4 });
        await _silo.Grains.GetGrain<ICounterGrain>("x").AddAsync(5);

        Assert.Equal(1, (await ReadAsync("a", x)).Value().Count);
        Assert.Equal(2, (await ReadAsync("b", x)).Value().Count);
        Assert.Equal(3, (await ReadAsync("a", y)).Value().Count);
        Assert.Equal(4, (await ReadAsync("a", otherType)).Value().Count);
        Assert.Equal(5, (await ReadAsync(StateName, x)).Value().Count);
        Assert.False((await ReadAsync("b", y)).RecordExists);
        Assert.Equal(5L, await _database.ScalarAsync("SELECT count(*) FROM grain_state;"));
    }

    [Fact]
    public async Task CorruptStoredBytes_FailTheReadNamingStateAndGrain_AndTheRowIsKept()
    {
        var id = CounterId("corrupt");
        await WriteAsync(StateName, id, new CounterState { Count = 1 });
        byte[] garbage = [0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13, 0x37];
        await _database.ScalarAsync("UPDATE grain_state SET payload = $p WHERE grain_id = $g;", ("$p", garbage), ("$g", id.ToString()));

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(StateName, id));

        Assert.Contains($"'{StateName}'", failure.Message);
        Assert.Contains(id.ToString(), failure.Message);
        Assert.Contains(Storage.DatabasePath, failure.Message);
        Assert.Contains("cannot be deserialized", failure.Message);
        Assert.NotNull(failure.InnerException);
        Assert.Equal(garbage, (byte[]?)await _database.ScalarAsync("SELECT payload FROM grain_state WHERE grain_id = $g;", ("$g", id.ToString())));
        Assert.Equal(1L, await _database.ScalarAsync("SELECT version FROM grain_state WHERE grain_id = $g;", ("$g", id.ToString())));
    }

    [Fact]
    public async Task CorruptStoredBytes_FailTheGrainsActivation_AndTheSiloKeepsServing()
    {
        var broken = _silo.Grains.GetGrain<ICounterGrain>("broken");
        await WriteAsync(StateName, broken.GetGrainId(), new CounterState { Count = 1 });
        await _database.ScalarAsync("UPDATE grain_state SET payload = x'00010203' WHERE grain_id = $g;", ("$g", broken.GetGrainId().ToString()));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => broken.AddAsync(1));

        Assert.Contains("cannot be deserialized", failure.ToString());
        Assert.Contains(broken.GetGrainId().ToString(), failure.ToString());
        Assert.Equal(1, await _silo.Grains.GetGrain<ICounterGrain>("healthy").AddAsync(1));
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, (byte[]?)await _database.ScalarAsync("SELECT payload FROM grain_state WHERE grain_id = $g;", ("$g", broken.GetGrainId().ToString())));
    }

    private static GrainId CounterId(string key) => GrainId.Create("counter", key);

    private async Task<IGrainState<CounterState>> ReadAsync(string stateName, GrainId id)
    {
        IGrainState<CounterState> state = new GrainState<CounterState>();
        await Storage.ReadStateAsync(stateName, id, state);
        return state;
    }

    private async Task<IGrainState<CounterState>> WriteAsync(string stateName, GrainId id, CounterState value)
    {
        var state = await ReadAsync(stateName, id);
        state.State = value;
        await Storage.WriteStateAsync(stateName, id, state);
        return state;
    }
}
