using Npgsql;

namespace Ensemble.Silo.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema Orleans' ADO.NET providers need (clustering, grain storage, reminders: the Orleans tables and
/// the named queries in <c>OrleansQuery</c>), which the providers do not ship: Ensemble owns it, versions it, and
/// records the version in its own table <c>ensemble_schema</c> under the component <see cref="Component"/>.
/// Everything goes into the first schema of the connection's search path (<c>Search Path</c>).
/// </summary>
public static class OrleansPostgresSchema
{
    /// <summary>The component whose version <c>ensemble_schema</c> records.</summary>
    public const string Component = "orleans";

    // The script that takes the schema from version i to i + 1 is Scripts[i]. Append; never edit one that has shipped.
    private static readonly string[] Scripts = ["orleans-schema-v1.sql"];

    // pg_advisory_xact_lock(int, int): this class, then the schema's hash, so schemas migrate independently.
    private const int LockClass = 0x456E_5352; // "EnSR"

    /// <summary>The schema version this code writes and understands.</summary>
    public static int CurrentVersion => Scripts.Length;

    /// <summary>
    /// Brings the schema to <see cref="CurrentVersion"/>: in one transaction holding an advisory lock (so silos that
    /// start at once apply it once), reads the recorded version, runs the scripts after it and records the new one.
    /// A database already current is left as it is.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string; its search path picks the schema, which must exist.</param>
    /// <param name="cancellationToken">Cancels the work; the transaction then rolls back.</param>
    /// <returns>Whether anything changed: false when the database was already current.</returns>
    /// <exception cref="InvalidOperationException">
    /// The recorded version is newer than <see cref="CurrentVersion"/> (nothing is changed), the search path names no
    /// existing schema, or the schema holds Orleans tables that Ensemble did not record.
    /// </exception>
    public static async Task<bool> ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var schema = await ScalarAsync(connection, "SELECT current_schema()", cancellationToken) as string
            ?? throw new InvalidOperationException(
                $"PostgreSQL search path '{await ScalarAsync(connection, "SHOW search_path", cancellationToken)}' names no existing " +
                "schema to hold the Orleans tables; create it first");
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockClass}, hashtext(current_schema()))", cancellationToken);

        // Qualified, so the version is read where the scripts create their tables (the first schema of the path), and
        // created only when missing, so a role without CREATE can start silos on a current schema.
        var versions = $"{QuoteIdentifier(schema)}.ensemble_schema";
        if (await ScalarAsync(connection, "SELECT to_regclass(@name)::text", cancellationToken, ("name", versions)) is null)
        {
            await ExecuteAsync(connection,
                $"CREATE TABLE {versions} (component text PRIMARY KEY, version integer NOT NULL, applied_at timestamptz NOT NULL)",
                cancellationToken);
        }

        var recorded = await ScalarAsync(connection, $"SELECT version FROM {versions} WHERE component = @component",
            cancellationToken, ("component", Component)) is int version ? version : 0;
        if (recorded > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"PostgreSQL schema version {recorded} is newer than this silo knows ({CurrentVersion}); upgrade Ensemble");
        }

        if (recorded == CurrentVersion)
        {
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        for (var next = recorded; next < CurrentVersion; next++)
        {
            try
            {
                await ExecuteAsync(connection, ReadScript(Scripts[next]), cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateTable && recorded == 0)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL schema '{schema}' already holds Orleans tables that Ensemble did not create ({e.MessageText}); " +
                    "use an empty schema, or drop those tables", e);
            }
        }

        await ExecuteAsync(connection,
            $"INSERT INTO {versions} (component, version, applied_at) VALUES (@component, @version, now()) " +
            "ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at",
            cancellationToken, ("component", Component), ("version", CurrentVersion));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static string ReadScript(string name)
    {
        using var stream = typeof(OrleansPostgresSchema).Assembly.GetManifestResourceStream($"{typeof(OrleansPostgresSchema).Namespace}.{name}")
            ?? throw new InvalidOperationException($"embedded schema script {name} is missing from {typeof(OrleansPostgresSchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string QuoteIdentifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }
}
