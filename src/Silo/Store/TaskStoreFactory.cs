using Ensemble.Silo.Store.Postgres;
using Ensemble.Silo.Store.Sqlite;
using Ensemble.Silo.Storage.Postgres;

namespace Ensemble.Silo.Store;

/// <summary>Opens the task store a location string names (from the command line or configuration).</summary>
public static class TaskStoreFactory
{
    private const string Expected = "expected sqlite:PATH or postgres://user:password@host:port/database";

    /// <summary>
    /// Opens (without migrating) the store at <paramref name="location"/>: <c>sqlite:PATH</c> (the file's directory is
    /// created), <c>postgres://user:password@host:port/database[?search_path=schema]</c> (also <c>postgresql://</c>),
    /// or an Npgsql connection string starting <c>Host=</c>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The location is none of these, or a malformed PostgreSQL one (see <see cref="PostgresLocation.ToConnectionString"/>).
    /// </exception>
    public static ITaskStore Open(string location, TaskStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = location["sqlite:".Length..];
            if (string.IsNullOrWhiteSpace(path)) throw Malformed(location);
            return new SqliteTaskStore(path, options);
        }

        if (PostgresLocation.IsPostgres(location))
        {
            return new PostgresTaskStore(PostgresLocation.ToConnectionString(location), options);
        }

        throw Malformed(location);
    }

    private static ArgumentException Malformed(string location) =>
        new($"store location '{PostgresLocation.Redact(location)}': {Expected}");
}
