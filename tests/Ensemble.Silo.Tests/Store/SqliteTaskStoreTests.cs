using Microsoft.Data.Sqlite;

namespace Ensemble.Silo.Tests.Store;

/// <summary>The conformance suite against SQLite: each location is a fresh file in its own temporary directory.</summary>
public sealed class SqliteTaskStoreTests : TaskStoreConformanceTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "ensemble-store-tests");

    protected override Task<string> CreateLocationAsync() =>
        Task.FromResult($"sqlite:{Path.Combine(Root, Guid.NewGuid().ToString("N"), "store.db")}");

    protected override Task DropLocationAsync(string location)
    {
        var directory = Path.GetDirectoryName(FileOf(location))!;
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override async Task<object?> ScalarSqlAsync(string location, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FileOf(location), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static string FileOf(string location) => location["sqlite:".Length..];
}
