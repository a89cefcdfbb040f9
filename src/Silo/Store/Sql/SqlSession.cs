using System.Data.Common;

namespace Ensemble.Silo.Store.Sql;

/// <summary>
/// One connection, and for writes one transaction, of a <see cref="SqlTaskStore"/> operation: runs parameterized
/// statements, converts times through the dialect, and holds the events the transaction emits until
/// <see cref="CommitAsync"/> appends them (last, under the dialect's event-order lock) and commits.
/// </summary>
internal sealed class SqlSession : IAsyncDisposable
{
    private readonly SqlDialect _dialect;
    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction;
    private readonly List<RunEvent> _events = [];

    private SqlSession(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, DateTimeOffset now)
    {
        _dialect = dialect;
        _connection = connection;
        _transaction = transaction;
        Now = now;
    }

    /// <summary>The operation's time, read once from the store's clock.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Opens a connection; with <paramref name="write"/>, also begins a write transaction.</summary>
    public static async Task<SqlSession> OpenAsync(SqlDialect dialect, DateTimeOffset now, bool write, CancellationToken cancellationToken)
    {
        var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = write ? await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false) : null;
            return new SqlSession(dialect, connection, transaction, now);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a statement; returns the rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a query; returns the first column of its first row (null for none).</summary>
    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    /// <summary>Runs a query (or a statement with <c>RETURNING</c>); maps each row.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(map(reader));
        return rows;
    }

    /// <summary>The time in column <paramref name="ordinal"/>.</summary>
    public DateTimeOffset Time(DbDataReader reader, int ordinal) => _dialect.ReadTime(reader, ordinal);

    /// <summary>The time in column <paramref name="ordinal"/>, or null.</summary>
    public DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : _dialect.ReadTime(reader, ordinal);

    /// <summary>Takes the dialect's lock on <paramref name="runId"/> (if it has one) until the transaction ends.</summary>
    public async Task LockRunAsync(string runId, CancellationToken cancellationToken)
    {
        if (_dialect.LockRunSql is { } sql) await ExecuteAsync(sql, cancellationToken, ("@run", runId)).ConfigureAwait(false);
    }

    /// <summary>Queues an event, stamped now, to be appended when the transaction commits.</summary>
    public void Emit(string runId, string? taskId, string kind, string message, string? dataJson = null) =>
        _events.Add(new RunEvent(0, runId, Now, taskId, kind, message, dataJson));

    /// <summary>Queues <paramref name="runEvent"/> as given (its time included).</summary>
    public void Emit(RunEvent runEvent) => _events.Add(runEvent);

    /// <summary>Appends the queued events and commits; returns the ids the events got, in order.</summary>
    public async Task<IReadOnlyList<long>> CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null) throw new InvalidOperationException("a read-only session has nothing to commit");
        var ids = new List<long>(_events.Count);
        if (_events.Count > 0)
        {
            if (_dialect.LockEventOrderSql is { } sql) await ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
            foreach (var e in _events)
            {
                var id = await ScalarAsync(
                    "INSERT INTO events (run_id, at, task_id, kind, message, data_json) VALUES (@run, @at, @task, @kind, @message, @data) RETURNING id",
                    cancellationToken, ("@run", e.RunId), ("@at", e.At), ("@task", e.TaskId), ("@kind", e.Kind), ("@message", e.Message),
                    ("@data", e.DataJson)).ConfigureAwait(false);
                ids.Add(Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _events.Clear();
        return ids;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // A transaction not committed is rolled back here: nothing of a failed operation is kept.
        if (_transaction is not null) await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value switch
            {
                null => DBNull.Value,
                DateTimeOffset time => _dialect.ToDb(time),
                _ => value,
            };
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
