using System.Reflection;
using System.Text.RegularExpressions;
using Ensemble.Silo.Storage.Postgres;
using Orleans.Configuration;
using Orleans.Storage;

namespace Ensemble.Silo.Tests.Storage.Postgres;

public sealed partial class OrleansPostgresSchemaTests
{
    /// <summary>
    /// The query keys Orleans 10.4.2's ADO.NET providers read from OrleansQuery: clustering (DbStoredQueries in
    /// Orleans.Clustering.AdoNet, plus the optional CleanupDefunctSiloEntryKey), grain storage (AdoNetGrainStorage's
    /// initialization query; DeleteStorageKey is optional) and reminders (DbStoredQueries in Orleans.Reminders.AdoNet).
    /// </summary>
    private static readonly string[] QueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    /// <summary>The keys a provider looks up if present and does without otherwise.</summary>
    private static readonly string[] OptionalQueryKeys = ["CleanupDefunctSiloEntryKey", "DeleteStorageKey"];

    [Fact]
    public async Task Applying_twice_creates_version_1_with_every_query_once_and_then_changes_nothing()
    {
        await using var schema = await PostgresTestSchema.CreateAsync("orleans_schema_test");

        Assert.True(await OrleansPostgresSchema.ApplyAsync(schema.ConnectionString));
        var appliedAt = await schema.ScalarAsync<DateTime>("SELECT applied_at FROM ensemble_schema WHERE component = 'orleans'");
        Assert.False(await OrleansPostgresSchema.ApplyAsync(schema.ConnectionString));

        Assert.Equal(1, OrleansPostgresSchema.CurrentVersion);
        Assert.Equal(1, await schema.ScalarAsync<int>("SELECT version FROM ensemble_schema WHERE component = 'orleans'"));
        Assert.Equal(appliedAt, await schema.ScalarAsync<DateTime>("SELECT applied_at FROM ensemble_schema WHERE component = 'orleans'"));
        Assert.Equal(QueryKeys.Order(), await schema.ColumnAsync<string>("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\""));
        Assert.Equal(
            ["ensemble_schema", "orleansmembershiptable", "orleansmembershipversiontable", "orleansquery", "orleansreminderstable", "orleansstorage"],
            await schema.ColumnAsync<string>($"SELECT table_name::text FROM information_schema.tables WHERE table_schema = '{schema.Name}' ORDER BY 1"));
    }

    [Fact]
    public void The_listed_query_keys_are_the_ones_the_installed_providers_look_up()
    {
        var storage = StorageQueryKey().Matches(AdoNetGrainStorage.DefaultInitializationQuery).Select(m => m.Groups[1].Value);

        var required = StoredQueryKeys(typeof(AdoNetClusteringSiloOptions), "Orleans.Clustering.AdoNet.Storage.DbStoredQueries")
            .Concat(StoredQueryKeys(typeof(AdoNetReminderTableOptions), "Orleans.Reminders.AdoNet.Storage.DbStoredQueries"))
            .Concat(storage.Except(OptionalQueryKeys));

        Assert.Equal(QueryKeys.Order(), required.Concat(OptionalQueryKeys).Order());
    }

    [Fact]
    public async Task A_database_at_a_newer_version_is_refused_and_left_unchanged()
    {
        await using var schema = await PostgresTestSchema.CreateAsync("orleans_schema_test");
        await OrleansPostgresSchema.ApplyAsync(schema.ConnectionString);
        await schema.ExecuteAsync("UPDATE ensemble_schema SET version = 2 WHERE component = 'orleans'");
        await schema.ExecuteAsync("DELETE FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OrleansPostgresSchema.ApplyAsync(schema.ConnectionString));

        Assert.Equal("PostgreSQL schema version 2 is newer than this silo knows (1); upgrade Ensemble", error.Message);
        Assert.Equal(2, await schema.ScalarAsync<int>("SELECT version FROM ensemble_schema WHERE component = 'orleans'"));
        Assert.Equal(QueryKeys.Length - 1, await schema.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
    }

    [Fact]
    public async Task Two_concurrent_applies_on_a_fresh_schema_both_succeed_and_one_creates_it()
    {
        await using var schema = await PostgresTestSchema.CreateAsync("orleans_schema_test");

        var applied = await Task.WhenAll(
            Task.Run(() => OrleansPostgresSchema.ApplyAsync(schema.ConnectionString)),
            Task.Run(() => OrleansPostgresSchema.ApplyAsync(schema.ConnectionString)));

        Assert.Single(applied, created => created);
        Assert.Equal(QueryKeys.Length, await schema.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
    }

    [Fact]
    public async Task Orleans_tables_that_Ensemble_did_not_record_are_refused_by_name()
    {
        await using var schema = await PostgresTestSchema.CreateAsync("orleans_schema_test");
        await schema.ExecuteAsync("CREATE TABLE OrleansQuery (QueryKey varchar(64) PRIMARY KEY, QueryText varchar(8000) NOT NULL)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OrleansPostgresSchema.ApplyAsync(schema.ConnectionString));

        Assert.StartsWith($"PostgreSQL schema '{schema.Name}' already holds Orleans tables that Ensemble did not create (relation \"orleansquery\" already exists)", error.Message);
        Assert.Equal(0L, await schema.ScalarAsync<long>(
            $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema.Name}' AND table_name = 'ensemble_schema'"));
    }

    [Fact]
    public async Task A_search_path_naming_no_existing_schema_is_refused_by_name()
    {
        await using var schema = await PostgresTestSchema.CreateAsync("orleans_schema_test");
        var missing = schema.ConnectionString.Replace($"Search Path={schema.Name}", "Search Path=no_such_schema", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OrleansPostgresSchema.ApplyAsync(missing));

        Assert.Equal("PostgreSQL search path 'no_such_schema' names no existing schema to hold the Orleans tables; create it first", error.Message);
    }

    private static IEnumerable<string> StoredQueryKeys(Type publicTypeOfProvider, string storedQueriesType) =>
        publicTypeOfProvider.Assembly.GetType(storedQueriesType, throwOnError: true)!
            .GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(p => p.Name);

    [GeneratedRegex("QueryKey = '(\\w+)'")]
    private static partial Regex StorageQueryKey();
}
