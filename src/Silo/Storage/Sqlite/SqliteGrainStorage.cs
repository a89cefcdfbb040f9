using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Ensemble.Silo.Storage.Sqlite;

/// <summary>
/// Orleans grain storage in one SQLite file: a row per (state name, grain) holding the serialized state as a BLOB and
/// a version that is the state's ETag; every write and clear checks that ETag (optimistic concurrency) and bumps it.
/// </summary>
/// <remarks>
/// The file is in WAL mode, so reads never wait for the writer. Writes from this silo queue on one gate (no busy
/// spinning between its own grains), and each runs in a <c>BEGIN IMMEDIATE</c> transaction that waits up to the busy
/// timeout for the file's write lock, so another process on the same file (a second provider, a CLI) is safe too.
/// </remarks>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly string _name;
    private readonly SqliteGrainStorageOptions _options;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger<SqliteGrainStorage> _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>A provider named <paramref name="name"/> on the file <paramref name="options"/> names.</summary>
    /// <exception cref="OrleansConfigurationException">The options cannot work (see <see cref="SqliteGrainStorageOptions"/>).</exception>
    public SqliteGrainStorage(string name, SqliteGrainStorageOptions options, IActivatorProvider activators, ILogger<SqliteGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        SqliteGrainStorageOptionsValidator.ThrowIfInvalid(options, name);
        _name = name;
        _options = options;
        _serializer = options.GrainStorageSerializer
            ?? throw new OrleansConfigurationException($"SQLite grain storage '{name}': {nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.GrainStorageSerializer)} is not set.");
        _activators = activators;
        _logger = logger;
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The database file, as a full path.</summary>
    public string DatabasePath { get; }

    /// <summary>The serializer the state goes through (from <see cref="SqliteGrainStorageOptions.GrainStorageSerializer"/>).</summary>
    public IGrainStorageSerializer Serializer => _serializer;

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, payload FROM grain_state WHERE state_name = $state AND grain_id = $grain;";
        AddKey(command, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Never written: a fresh state, as Orleans' own providers hand back, and no ETag, so the first write inserts.
            grainState.State = CreateState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var version = reader.GetInt64(0);
        if (reader.IsDBNull(1))
        {
            // Cleared: a fresh state, but the tombstone's ETag, which the next write must present.
            grainState.State = CreateState<T>();
            grainState.ETag = ETagOf(version);
            grainState.RecordExists = false;
            return;
        }

        var payload = reader.GetFieldValue<byte[]>(1);
        grainState.State = Deserialize<T>(payload, stateName, grainId, version) ?? CreateState<T>();
        grainState.ETag = ETagOf(version);
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    /// <exception cref="InconsistentStateException">The stored ETag is not the caller's; nothing was written.</exception>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        // Serialized before taking the gate: a slow or failing serializer holds up no other grain and writes nothing.
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var version = await UnderWriteLockAsync(stateName, grainId, grainState.ETag, "write", async (connection, transaction, stored) =>
        {
            var next = (stored ?? 0) + 1;
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO grain_state (state_name, grain_id, version, payload, updated_at)
                VALUES ($state, $grain, $version, $payload, $now)
                ON CONFLICT (state_name, grain_id) DO UPDATE
                SET version = excluded.version, payload = excluded.payload, updated_at = excluded.updated_at;
                """;
            AddKey(command, stateName, grainId);
            command.Parameters.AddWithValue("$version", next);
            command.Parameters.Add("$payload", SqliteType.Blob).Value = payload;
            command.Parameters.AddWithValue("$now", Now());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return (long?)next;
        }, cancellationToken).ConfigureAwait(false);

        grainState.ETag = ETagOf(version!.Value);
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The row stays as a tombstone (null payload, next version): the caller gets that version as its ETag and
    /// <see cref="IGrainState{T}.RecordExists"/> false, as Orleans' ADO.NET provider does, and the state is reset.
    /// </remarks>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc cref="ClearStateAsync{T}(string, GrainId, IGrainState{T})"/>
    /// <exception cref="InconsistentStateException">The stored ETag is not the caller's; nothing was cleared.</exception>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var version = await UnderWriteLockAsync(stateName, grainId, grainState.ETag, "clear", async (connection, transaction, stored) =>
        {
            if (stored is null) return null; // nothing was ever stored: nothing to clear
            var next = stored.Value + 1;
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE grain_state SET version = $version, payload = NULL, updated_at = $now
                WHERE state_name = $state AND grain_id = $grain;
                """;
            AddKey(command, stateName, grainId);
            command.Parameters.AddWithValue("$version", next);
            command.Parameters.AddWithValue("$now", Now());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return (long?)next;
        }, cancellationToken).ConfigureAwait(false);

        grainState.State = CreateState<T>();
        grainState.ETag = version is { } v ? ETagOf(v) : null;
        grainState.RecordExists = false;
    }

    /// <summary>Answers a trivial query against the file (a silo's readiness check); throws when it cannot.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_state WHERE 0";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<SqliteGrainStorage>(_name), _options.InitStage, EnsureInitializedAsync, OnStopAsync);

    /// <summary>Lets go of the pooled connections, so the file is closed once the silo is.</summary>
    public void Dispose()
    {
        ClearPool();
        _writeGate.Dispose();
        _initGate.Dispose();
    }

    /// <summary>
    /// Creates the directory, checks and applies the schema, switches the file to WAL; once, whichever comes first:
    /// the silo lifecycle at <see cref="SqliteGrainStorageOptions.InitStage"/> (so a bad or too-new database stops the
    /// silo at start-up, before it joins the cluster) or the first read or write (so the provider also works on its
    /// own, and a grain activated by an earlier stage still finds its table).
    /// </summary>
    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized) return;
        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized) return;
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
                await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                await SqliteGrainStorageSchema.ApplyAsync(connection, DatabasePath, cancellationToken).ConfigureAwait(false);
                // Kept in the file: from now on every connection, of any process, uses the write-ahead log.
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = WAL;";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException exception)
            {
                LogInitializationFailed(_logger, exception, _name, DatabasePath);
                throw new InvalidOperationException($"SQLite grain storage '{_name}' cannot use {DatabasePath}: {exception.Message}", exception);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogInitializationFailed(_logger, exception, _name, DatabasePath);
                throw;
            }

            _initialized = true;
            LogInitialized(_logger, _name, DatabasePath, SqliteGrainStorageSchema.Version);
        }
        finally
        {
            _initGate.Release();
        }
    }

    private Task OnStopAsync(CancellationToken cancellationToken)
    {
        ClearPool();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="change"/> in a <c>BEGIN IMMEDIATE</c> transaction once the stored ETag is found to be
    /// <paramref name="callerETag"/>; otherwise throws <see cref="InconsistentStateException"/> with nothing changed.
    /// </summary>
    private async Task<long?> UnderWriteLockAsync(
        string stateName, GrainId grainId, string? callerETag, string operation,
        Func<SqliteConnection, SqliteTransaction, long?, Task<long?>> change, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            long? stored;
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT version FROM grain_state WHERE state_name = $state AND grain_id = $grain;";
                AddKey(read, stateName, grainId);
                stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long v ? v : null;
            }

            var storedETag = stored is { } s ? ETagOf(s) : null;
            if (!string.Equals(storedETag, callerETag, StringComparison.Ordinal))
            {
                LogConflict(_logger, operation, stateName, grainId, storedETag, callerETag);
                throw new InconsistentStateException(
                    $"SQLite grain storage '{_name}' refused to {operation} state '{stateName}' of grain {grainId} in {DatabasePath}: " +
                    $"the stored ETag is {storedETag ?? "none (no row)"} but the caller's is {callerETag ?? "none"}; nothing was changed. " +
                    "Another activation has written this state since it was read; read it again.",
                    storedETag, callerETag);
            }

            var result = await change(connection, transaction, stored).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private T? Deserialize<T>(byte[] payload, string stateName, GrainId grainId, long version)
    {
        try
        {
            return _serializer.Deserialize<T>(new BinaryData(payload));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The row is left exactly as it is: the grain fails to activate rather than start from an empty state
            // that its next write would store over the unreadable one.
            LogUnreadable(_logger, exception, stateName, grainId, DatabasePath, version, payload.Length);
            throw new InvalidDataException(
                $"SQLite grain storage '{_name}': the stored state '{stateName}' of grain {grainId} in {DatabasePath} " +
                $"(version {version}, {payload.Length} bytes) cannot be deserialized as {typeof(T).FullName}: {exception.Message} " +
                "The row was left untouched; restore it from a backup, or clear the state to start it afresh.",
                exception);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private T CreateState<T>() => _activators.GetActivator<T>().Create();

    private static void AddKey(SqliteCommand command, string stateName, GrainId grainId)
    {
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
    }

    private static string ETagOf(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
