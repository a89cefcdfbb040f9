using Npgsql;

namespace Ensemble.Silo.Tests.Storage.Postgres;

/// <summary>
/// A fresh, empty schema on the tests' PostgreSQL (the private cluster of <c>scripts/test-postgres.sh</c>, whose
/// connection string is in <c>ENSEMBLE_TEST_POSTGRES</c>), reached through <c>Search Path</c> and dropped on dispose.
/// Without the cluster a test fails, saying so; it never skips.
/// </summary>
internal sealed class PostgresTestSchema : IAsyncDisposable
{
    private const string Variable = "ENSEMBLE_TEST_POSTGRES";

    private PostgresTestSchema(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The schema's name.</summary>
    public string Name { get; }

    /// <summary>An Npgsql connection string whose search path is this schema alone.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a schema named <c>{prefix}_{guid}</c>.</summary>
    public static async Task<PostgresTestSchema> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"CREATE SCHEMA {name}");
        return new PostgresTestSchema(name, $"{Server};Search Path={name}");
    }

    /// <summary>Runs <paramref name="sql"/> in this schema.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>, run in this schema.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first column of every row of <paramref name="sql"/>, run in this schema.</summary>
    public async Task<List<T>> ColumnAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync()) values.Add(reader.GetFieldValue<T>(0));
        return values;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await ExecuteOnServerAsync($"DROP SCHEMA IF EXISTS {Name} CASCADE");
    }

    private static string Server =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connectionString
            ? connectionString
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL Orleans-schema tests have no database: ./test.sh starts the private " +
                "cluster (scripts/test-postgres.sh start prints the connection string); if it did, PostgreSQL could not start (see its output)");

    private static async Task ExecuteOnServerAsync(string sql)
    {
        var server = Server;
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL for the Orleans-schema tests ({Variable}='{server}') is not reachable: {e.Message}. " +
                "Start it with scripts/test-postgres.sh start (./test.sh does).", e);
        }

        await using (connection)
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            await command.ExecuteNonQueryAsync();
        }
    }
}
