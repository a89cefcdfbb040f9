using Ensemble.Silo.Store.Sql;

namespace Ensemble.Silo.Store.Sqlite;

/// <summary>
/// The embedded task store: one SQLite file (WAL mode, <c>BEGIN IMMEDIATE</c> write transactions, a busy timeout),
/// which several silo processes on one machine may share. Call <see cref="SqlTaskStore.MigrateAsync"/> before use.
/// </summary>
public sealed class SqliteTaskStore : SqlTaskStore
{
    /// <summary>A store in the file at <paramref name="path"/> (the file and its directory are created when missing).</summary>
    public SqliteTaskStore(string path, TaskStoreOptions? options = null)
        : this(new SqliteDialect(path), options)
    {
    }

    private SqliteTaskStore(SqliteDialect dialect, TaskStoreOptions? options)
        : base(dialect, options) => Path = dialect.Path;

    /// <summary>The database file (absolute).</summary>
    public string Path { get; }
}
