namespace Ensemble.Silo.Storage.Sqlite;

/// <summary>
/// The one silo of a one-machine cluster holds its SQLite store: a second silo on the same file would be a second
/// cluster running the same runs. The lock is an exclusive open of <c>PATH.lock</c> (an advisory lock on Linux),
/// released when the process ends, however it ends.
/// </summary>
public sealed class SqliteStoreLock : IDisposable
{
    private readonly FileStream _lock;

    private SqliteStoreLock(FileStream held) => _lock = held;

    /// <summary>Takes the lock of the store at <paramref name="databasePath"/>.</summary>
    /// <exception cref="IOException">Another process holds it; the message names the file.</exception>
    public static SqliteStoreLock Take(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var path = databasePath + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            held.SetLength(0);
            using (var writer = new StreamWriter(held, leaveOpen: true)) writer.Write($"{Environment.ProcessId}\n");
            held.Flush(flushToDisk: true);
            return new SqliteStoreLock(held);
        }
        catch (IOException e)
        {
            var holder = TryRead(path);
            throw new IOException(
                $"--store sqlite:{databasePath}: another silo{(holder is null ? "" : $" (pid {holder})")} uses this store ({path} is locked); " +
                "a SQLite store serves one silo: stop it, or give this one another --store (or --home)", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();

    private static string? TryRead(string path)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadLine()?.Trim() is { Length: > 0 } pid ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
