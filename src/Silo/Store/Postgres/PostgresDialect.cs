using System.Data;
using System.Data.Common;
using Ensemble.Silo.Store.Sql;
using Npgsql;

namespace Ensemble.Silo.Store.Postgres;

/// <summary>
/// PostgreSQL for <see cref="SqlTaskStore"/>: pooled connections from one <see cref="NpgsqlDataSource"/>, read
/// committed transactions, a transaction-scoped advisory lock per run for the transitions that must see each
/// other (two siblings completing at once), <c>FOR UPDATE SKIP LOCKED</c> for claims, and advisory locks for
/// migrations and for the order in which event ids commit.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    /// <summary>First key of Ensemble's two-key advisory locks ("Ense"); the 64-bit key space of the run locks is separate.</summary>
    private const int AdvisoryLockClass = 0x456E7365;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>A dialect over a new data source for <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public PostgresDialect(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc/>
    public override string Name => "PostgreSQL";

    /// <inheritdoc/>
    public override string? LockRunSql => "SELECT pg_advisory_xact_lock(hashtextextended(@run, 0))";

    /// <inheritdoc/>
    public override string? LockEventOrderSql => $"SELECT pg_advisory_xact_lock({AdvisoryLockClass}, 2)";

    /// <inheritdoc/>
    public override string? LockSchemaSql => $"SELECT pg_advisory_xact_lock({AdvisoryLockClass}, 1)";

    /// <inheritdoc/>
    public override string ForUpdate => " FOR UPDATE";

    /// <inheritdoc/>
    public override string ForUpdateSkipLocked => " FOR UPDATE OF t SKIP LOCKED";

    /// <inheritdoc/>
    public override string SchemaVersionTableSql => PostgresSchema.SchemaVersionTable;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Migrations => PostgresSchema.Migrations;

    /// <inheritdoc/>
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override object ToDb(DateTimeOffset time) => time.ToUniversalTime();

    /// <inheritdoc/>
    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <inheritdoc/>
    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc/>
    public override bool IsTransient(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <inheritdoc/>
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
