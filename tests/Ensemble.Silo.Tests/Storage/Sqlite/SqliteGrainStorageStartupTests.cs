using System.Security.Cryptography;
using Ensemble.Silo.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>What <see cref="SqliteGrainStorage"/> checks when a silo starts: its options, the database's schema version, its registration.</summary>
public sealed class SqliteGrainStorageStartupTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Database_WithANewerSchemaVersion_IsRefusedAndLeftUntouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_database.Path)!);
        await _database.ScalarAsync("CREATE TABLE grain_state_v2 (k TEXT PRIMARY KEY, v BLOB); INSERT INTO grain_state_v2 VALUES ('a', x'0102'); PRAGMA user_version = 2;");
        var before = await File.ReadAllBytesAsync(_database.Path);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => SqliteSilo.StartAsync(_database.Path));

        Assert.Contains("schema version 2 is newer than this silo knows (1); upgrade Ensemble", Flatten(failure));
        SqliteConnection.ClearAllPools();
        Assert.Equal(SHA256.HashData(before), SHA256.HashData(await File.ReadAllBytesAsync(_database.Path)));
        Assert.Equal(2L, await _database.ScalarAsync("PRAGMA user_version;"));
        Assert.Equal(0L, await _database.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name = 'grain_state';"));
        Assert.Equal("delete", await _database.ScalarAsync("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task File_ThatIsNotASqliteDatabase_IsRefusedNamingItAndLeftUntouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_database.Path)!);
        var text = new byte[4096];
        Array.Fill(text, (byte)'x');
        await File.WriteAllBytesAsync(_database.Path, text);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => SqliteSilo.StartAsync(_database.Path));

        Assert.Contains(_database.Path, failure.Message);
        Assert.Contains("not a database", failure.Message);
        Assert.Equal(text, await File.ReadAllBytesAsync(_database.Path));
    }

    [Fact]
    public async Task Schema_IsAppliedOnce_AndAnExistingDatabaseIsReused()
    {
        await using (var first = await SqliteSilo.StartAsync(_database.Path))
            await first.Grains.GetGrain<ICounterGrain>("k").AddAsync(2);

        await using var second = await SqliteSilo.StartAsync(_database.Path);

        Assert.Equal(2, await second.Grains.GetGrain<ICounterGrain>("k").GetAsync());
        Assert.Equal(1L, await _database.ScalarAsync("PRAGMA user_version;"));
        Assert.Equal(1L, await _database.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE type = 'table';"));
    }

    [Fact]
    public void Options_WithAnEmptyPath_AreRefusedNamingTheOption()
    {
        var validator = new SqliteGrainStorageOptionsValidator(new SqliteGrainStorageOptions { DatabasePath = " " }, "ensemble");

        var failure = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains("SqliteGrainStorageOptions.DatabasePath", failure.Message);
        Assert.Contains("'ensemble'", failure.Message);
        Assert.Contains("empty", failure.Message);
    }

    [Fact]
    public void Options_WithADirectoryPath_AreRefusedNamingTheOption()
    {
        Directory.CreateDirectory(_database.Directory);
        var validator = new SqliteGrainStorageOptionsValidator(new SqliteGrainStorageOptions { DatabasePath = _database.Directory }, "ensemble");

        var failure = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains("SqliteGrainStorageOptions.DatabasePath", failure.Message);
        Assert.Contains($"'{_database.Directory}' is a directory", failure.Message);
    }

    [Fact]
    public void Options_WithANonPositiveBusyTimeout_AreRefusedNamingTheOption()
    {
        var options = new SqliteGrainStorageOptions { DatabasePath = _database.Path, BusyTimeout = TimeSpan.Zero };

        var failure = Assert.Throws<OrleansConfigurationException>(new SqliteGrainStorageOptionsValidator(options, "ensemble").ValidateConfiguration);

        Assert.Contains("SqliteGrainStorageOptions.BusyTimeout", failure.Message);
    }

    [Fact]
    public async Task Silo_WithAnEmptyDatabasePath_FailsToStartNamingTheOption()
    {
        using var host = SqliteSilo.Build("ensemble", options => options.DatabasePath = "");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("SqliteGrainStorageOptions.DatabasePath", Flatten(failure));
    }

    [Fact]
    public async Task Registered_UnderTheDefaultName_IsTheDefaultStorage()
    {
        await using var silo = await SqliteSilo.StartAsync(_database.Path, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

        Assert.Same(silo.Storage, silo.Services.GetRequiredService<IGrainStorage>());
        var counter = silo.Grains.GetGrain<IDefaultCounterGrain>("d");
        Assert.Equal(3, await counter.AddAsync(3));
        Assert.Equal(1L, await _database.ScalarAsync("SELECT count(*) FROM grain_state WHERE grain_id = $g;", ("$g", counter.GetGrainId().ToString())));
    }

    [Fact]
    public async Task Registered_UnderItsOwnName_IsNotTheDefaultStorage()
    {
        await using var silo = await SqliteSilo.StartAsync(_database.Path);

        Assert.Null(silo.Services.GetService<IGrainStorage>());
    }

    [Fact]
    public async Task Serializer_RegisteredUnderTheStorageName_IsTheOneUsed()
    {
        await using var silo = await SqliteSilo.StartAsync(_database.Path, configure: builder => builder.ConfigureServices(services =>
            services.AddKeyedSingleton<IGrainStorageSerializer>(SqliteSilo.StorageName, (sp, _) => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()))));

        var counter = silo.Grains.GetGrain<ICounterGrain>("binary");
        await counter.AddAsync(4);

        Assert.IsType<OrleansGrainStorageSerializer>(silo.Storage.Serializer);
        var payload = (byte[]?)await _database.ScalarAsync("SELECT payload FROM grain_state WHERE grain_id = $g;", ("$g", counter.GetGrainId().ToString()));
        Assert.NotEqual((byte)'{', Assert.IsType<byte[]>(payload)[0]);
        var stored = new GrainState<CounterState>();
        await silo.Storage.ReadStateAsync("state", counter.GetGrainId(), stored);
        Assert.Equal(4, stored.State?.Count);
    }

    [Fact]
    public async Task Serializer_ByDefault_IsTheSilosDefaultGrainStorageSerializer()
    {
        await using var silo = await SqliteSilo.StartAsync(_database.Path);

        Assert.Same(silo.Services.GetRequiredService<IGrainStorageSerializer>(), silo.Storage.Serializer);
    }

    private static string Flatten(Exception exception) => exception.ToString();
}
