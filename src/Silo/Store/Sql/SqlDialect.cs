using System.Data.Common;

namespace Ensemble.Silo.Store.Sql;

/// <summary>
/// What differs between the SQL databases behind <see cref="SqlTaskStore"/>: how to connect and open a write
/// transaction, which locks to take, how times are stored, and the schema. Everything else (the state machine of
/// runs and tasks) is written once, in portable SQL, in <see cref="SqlTaskStore"/>.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>The database's name, for messages (<c>SQLite</c>, <c>PostgreSQL</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Opens a connection ready for use.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Starts a transaction that may write (SQLite: <c>BEGIN IMMEDIATE</c>; PostgreSQL: read committed).</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// A statement that serializes the transactions changing the states of one run's tasks (parameter
    /// <c>@run</c>), or null when the write transaction is already exclusive.
    /// </summary>
    public abstract string? LockRunSql { get; }

    /// <summary>
    /// A statement, run just before a transaction appends its events and commits, that makes event ids commit in
    /// increasing order (so a reader that has seen id n never later meets a smaller one), or null when the write
    /// transaction is already exclusive.
    /// </summary>
    public abstract string? LockEventOrderSql { get; }

    /// <summary>A statement that serializes migrations (two silos starting at once), or null.</summary>
    public abstract string? LockSchemaSql { get; }

    /// <summary>Appended to a <c>SELECT</c> of one task row to lock it until the transaction ends (empty if not needed).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>
    /// Appended to the claim query (alias <c>t</c> for tasks) so concurrent claimers skip rows another has locked
    /// (empty if not needed).
    /// </summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>The statement creating the <c>schema_version</c> table if it is missing.</summary>
    public abstract string SchemaVersionTableSql { get; }

    /// <summary>The schema's migrations, in order: entry i takes the schema from version i to i + 1.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>The parameter value that stores <paramref name="time"/>.</summary>
    public abstract object ToDb(DateTimeOffset time);

    /// <summary>The time stored in column <paramref name="ordinal"/>.</summary>
    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>True when <paramref name="exception"/> is a primary-key or unique violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>True when the transaction that raised <paramref name="exception"/> may simply be run again (deadlock, serialization failure).</summary>
    public abstract bool IsTransient(DbException exception);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();
}
