using System.Text.RegularExpressions;
using Ensemble.Silo.Store.Postgres;
using Ensemble.Silo.Store.Sqlite;
using Npgsql;

namespace Ensemble.Silo.Store;

/// <summary>Opens the task store a location string names (from the command line or configuration).</summary>
public static partial class TaskStoreFactory
{
    private const string Expected = "expected sqlite:PATH or postgres://user:password@host:port/database";

    /// <summary>
    /// Opens (without migrating) the store at <paramref name="location"/>: <c>sqlite:PATH</c> (the file's directory is
    /// created), <c>postgres://user:password@host:port/database[?search_path=schema]</c> (also <c>postgresql://</c>),
    /// or an Npgsql connection string starting <c>Host=</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The location is none of these.</exception>
    public static ITaskStore Open(string location, TaskStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = location["sqlite:".Length..];
            if (string.IsNullOrWhiteSpace(path)) throw Malformed(location);
            return new SqliteTaskStore(path, options);
        }

        if (location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresTaskStore(PostgresConnectionString(location), options);
        }

        if (location.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresTaskStore(location, options);
        }

        throw Malformed(location);
    }

    /// <summary>The Npgsql connection string of a <c>postgres://</c> URL (user, password and names URL-decoded).</summary>
    /// <exception cref="ArgumentException">The URL lacks a host or database, or has an unknown parameter.</exception>
    internal static string PostgresConnectionString(string location)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) throw Malformed(location);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0 || database.Contains('/')) throw Malformed(location);

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.DnsSafeHost,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = database,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            builder.SearchPath = key == "search_path" && value.Length > 0
                ? value
                : throw new ArgumentException(
                    $"store location '{Redact(location)}': unknown or empty parameter '{key}' (known: search_path)", nameof(location));
        }

        return builder.ConnectionString;
    }

    private static ArgumentException Malformed(string location) =>
        new($"store location '{Redact(location)}': {Expected}");

    /// <summary>The location with the password of a URL replaced by <c>***</c>, fit for a message.</summary>
    private static string Redact(string location) => PasswordInUrl().Replace(location, "$1***@");

    [GeneratedRegex("^([a-zA-Z]+://[^:/@]*:)[^@]*@")]
    private static partial Regex PasswordInUrl();
}
