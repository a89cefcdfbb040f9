using Ensemble.Silo.Storage.Postgres;

namespace Ensemble.Silo.Hosting;

/// <summary>The store a <c>--store</c> location names: a SQLite file (one machine) or a PostgreSQL database (a cluster).</summary>
/// <param name="SqlitePath">The SQLite file, for <c>sqlite:PATH</c>.</param>
/// <param name="PostgresConnectionString">The Npgsql connection string, for <c>postgres://</c> (or <c>Host=</c>).</param>
public sealed record ClusterStore(string? SqlitePath, string? PostgresConnectionString)
{
    /// <summary>
    /// Reads <paramref name="location"/>: <c>sqlite:PATH</c>,
    /// <c>postgres://user:password@host:port/database[?search_path=schema]</c> (also <c>postgresql://</c>), or an
    /// Npgsql connection string starting <c>Host=</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The location is none of these; the message names it, its password redacted.</exception>
    public static ClusterStore Parse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = location["sqlite:".Length..];
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"--store '{location}': expected sqlite:PATH or postgres://user:password@host:port/database");
            return new ClusterStore(Path.GetFullPath(path), null);
        }

        if (!PostgresLocation.IsPostgres(location))
        {
            throw new ArgumentException(
                $"store location '{PostgresLocation.Redact(location)}': expected sqlite:PATH or postgres://user:password@host:port/database");
        }

        return new ClusterStore(null, PostgresLocation.ToConnectionString(location));
    }
}
