using Ensemble.Silo.Storage.Sqlite;

namespace Ensemble.Silo.Tests.Storage.Sqlite;

public sealed class SqliteStoreLockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-lock-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void SecondHolder_IsRefused_NamingTheStore_UntilTheFirstLetsGo()
    {
        var database = Path.Combine(_directory, "store.db");
        var first = SqliteStoreLock.Take(database);

        var refused = Assert.Throws<IOException>(() => SqliteStoreLock.Take(database));

        Assert.Contains($"--store sqlite:{database}: another silo uses this store ({database}.lock is locked)", refused.Message);
        first.Dispose();
        using var second = SqliteStoreLock.Take(database);
    }
}
