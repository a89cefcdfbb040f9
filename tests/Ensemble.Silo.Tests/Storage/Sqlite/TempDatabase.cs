using Microsoft.Data.Sqlite;

namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>A database path in a fresh temporary directory, deleted (with everything in it) on dispose; plain SQL on the file.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ensemble-grain-storage-tests", Guid.NewGuid().ToString("N"));
        // The file's directory is left for the provider to create.
        Path = System.IO.Path.Combine(Directory, "data", "grains.db");
    }

    /// <summary>The temporary directory.</summary>
    public string Directory { get; }

    /// <summary>The database file (in a subdirectory that does not exist yet).</summary>
    public string Path { get; }

    /// <summary>Runs <paramref name="sql"/> on its own unpooled connection and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }
}
