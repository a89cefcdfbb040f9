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
            // Its pid, for a person looking at the file.
            using (var writer = new StreamWriter(held, leaveOpen: true)) writer.Write($"{Environment.ProcessId}\n");
            held.Flush(flushToDisk: true);
            return new SqliteStoreLock(held);
        }
        catch (IOException e)
        {
            throw new IOException(
                $"--store sqlite:{databasePath}: another silo uses this store ({path} is locked); a SQLite store serves one silo: " +
                "stop it, or give this one another --store (or --home)", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();
}
