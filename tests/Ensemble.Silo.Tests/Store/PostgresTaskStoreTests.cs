using Npgsql;

namespace Ensemble.Silo.Tests.Store;

/// <summary>
/// The conformance suite against PostgreSQL: the private cluster of <c>scripts/test-postgres.sh</c>, whose connection
/// string <c>./test.sh</c> puts in <c>ENSEMBLE_TEST_POSTGRES</c>. Each location is a fresh schema (dropped after the
/// test), reached through <c>Search Path</c>. Without the cluster these tests fail, saying so; they never skip.
/// </summary>
public sealed class PostgresTaskStoreTests : TaskStoreConformanceTests
{
    private const string Variable = "ENSEMBLE_TEST_POSTGRES";

    private static string Server =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connectionString
            ? connectionString
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL task-store tests have no database: ./test.sh starts the private cluster " +
                "(scripts/test-postgres.sh start prints the connection string); if it did, PostgreSQL could not start (see its output)");

    protected override async Task<string> CreateLocationAsync()
    {
        var schema = $"store_test_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"CREATE SCHEMA {schema}");
        return $"{Server};Search Path={schema}";
    }

    protected override Task DropLocationAsync(string location) =>
        ExecuteOnServerAsync($"DROP SCHEMA IF EXISTS {new NpgsqlConnectionStringBuilder(location).SearchPath} CASCADE");

    protected override async Task<object?> ScalarSqlAsync(string location, string sql)
    {
        await using var connection = new NpgsqlConnection(location);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

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
                $"PostgreSQL for the task-store tests ({Variable}='{server}') is not reachable: {e.Message}. " +
                "Start it with scripts/test-postgres.sh start (./test.sh does).", e);
        }

        await using (connection)
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            await command.ExecuteNonQueryAsync();
        }
    }
}
