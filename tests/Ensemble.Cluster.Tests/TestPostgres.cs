using Npgsql;

namespace Ensemble.Cluster.Tests;

/// <summary>
/// A fresh database on the private PostgreSQL that ./test.sh starts (ENSEMBLE_TEST_POSTGRES), dropped afterwards;
/// and a way to restart that server (ENSEMBLE_TEST_POSTGRES_CTL) for the outage test.
/// </summary>
internal sealed class TestPostgres : IAsyncDisposable
{
    private readonly string _admin;

    private TestPostgres(string admin, string database)
    {
        _admin = admin;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
    }

    /// <summary>The database's name.</summary>
    public string Database { get; }

    /// <summary>An Npgsql connection string to it (what <c>--store</c> takes).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a fresh database.</summary>
    public static async Task<TestPostgres> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("ENSEMBLE_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin))
        {
            throw new InvalidOperationException("ENSEMBLE_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts a private PostgreSQL");
        }

        var database = $"ens_{Guid.NewGuid():N}"[..20];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await create.ExecuteNonQueryAsync();
        return new TestPostgres(admin, database);
    }

    /// <summary>Restarts the whole server (every connection is cut).</summary>
    public static void Restart()
    {
        var control = Environment.GetEnvironmentVariable("ENSEMBLE_TEST_POSTGRES_CTL")
            ?? throw new InvalidOperationException("ENSEMBLE_TEST_POSTGRES_CTL is not set: run the tests with ./test.sh");
        using var process = System.Diagnostics.Process.Start(control, "restart");
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{control} restart exited with {process.ExitCode}");
    }

    /// <summary>Drops the database.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
