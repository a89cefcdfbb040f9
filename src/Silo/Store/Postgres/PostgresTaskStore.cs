using Ensemble.Silo.Store.Sql;

namespace Ensemble.Silo.Store.Postgres;

/// <summary>
/// The cluster task store: PostgreSQL through a pooled Npgsql data source; claims take their row with
/// <c>FOR UPDATE SKIP LOCKED</c>, so any number of silos can poll it at once. Call
/// <see cref="SqlTaskStore.MigrateAsync"/> before use.
/// </summary>
public sealed class PostgresTaskStore : SqlTaskStore
{
    /// <summary>
    /// A store over <paramref name="connectionString"/> (an Npgsql connection string, e.g.
    /// <c>Host=db;Username=ensemble;Password=…;Database=ensemble</c>; <c>Search Path=x</c> picks the schema).
    /// </summary>
    public PostgresTaskStore(string connectionString, TaskStoreOptions? options = null)
        : base(new PostgresDialect(connectionString), options)
    {
    }
}
