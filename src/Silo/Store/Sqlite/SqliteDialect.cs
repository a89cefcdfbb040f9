using System.Data.Common;
using System.Globalization;
using Ensemble.Silo.Store.Sql;
using Microsoft.Data.Sqlite;

namespace Ensemble.Silo.Store.Sqlite;

/// <summary>
/// SQLite for <see cref="SqlTaskStore"/>: one file, in WAL mode so readers never wait for the writer, shared by
/// any number of processes; every write transaction is <c>BEGIN IMMEDIATE</c> (it takes the file's write lock at
/// once, so two writers never deadlock upgrading a read lock) and waits for the lock up to the busy timeout.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    /// <summary>How long a statement waits for another process's write lock.</summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How times are stored: UTC, fixed width, to the tick, so they round-trip exactly and compare correctly as text.
    /// </summary>
    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    private readonly string _connectionString;
    private volatile bool _walSet;

    /// <summary>A dialect for the file at <paramref name="path"/>; its directory is created if missing.</summary>
    public SqliteDialect(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        Path = full;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public override string Name => "SQLite";

    /// <inheritdoc/>
    public override string? LockRunSql => null;

    /// <inheritdoc/>
    public override string? LockEventOrderSql => null;

    /// <inheritdoc/>
    public override string? LockSchemaSql => null;

    /// <inheritdoc/>
    public override string ForUpdate => "";

    /// <inheritdoc/>
    public override string ForUpdateSkipLocked => "";

    /// <inheritdoc/>
    public override string SchemaVersionTableSql => SqliteSchema.SchemaVersionTable;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Migrations => SqliteSchema.Migrations;

    /// <inheritdoc/>
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (!_walSet)
            {
                // Stored in the file: once set, every later connection (of any process) uses the write-ahead log.
                command.CommandText = "PRAGMA journal_mode = WAL;";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _walSet = true;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <inheritdoc/>
    public override object ToDb(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <inheritdoc/>
    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 1555 or 2067 };

    /// <inheritdoc/>
    public override bool IsTransient(DbException exception) => false;

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; let it go (tests delete it, users may move it).
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
