using Ensemble.Silo.Store.Sqlite;
using Ensemble.Silo.Store;

namespace Ensemble.Silo.Tests.Api;

/// <summary>Opens the real stores the API tests run against.</summary>
internal static class TestStores
{
    public static async Task<SqliteTaskStore> OpenSqliteAsync(string path, TaskStoreOptions options)
    {
        var store = new SqliteTaskStore(path, options);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    /// <summary>A PostgreSQL store whose server cannot be reached (a port nothing listens on).</summary>
    public static ITaskStore OpenUnreachablePostgres() =>
        TaskStoreFactory.Open("postgres://ensemble@127.0.0.1:1/ensemble", new TaskStoreOptions());
}
