using System.Text.RegularExpressions;
using Npgsql;

namespace Ensemble.Silo.Storage.Postgres;

/// <summary>
/// Where a PostgreSQL database is, as a person writes it (command line, configuration): a URL
/// <c>postgres://user:password@host:port/database[?search_path=schema]</c> (also <c>postgresql://</c>) or an Npgsql
/// connection string starting <c>Host=</c>.
/// </summary>
public static partial class PostgresLocation
{
    private const string Expected =
        "expected postgres://user:password@host:port/database[?search_path=schema] or an Npgsql connection string starting Host=";

    /// <summary>Whether <paramref name="location"/> has one of the two forms' prefixes (it may still be malformed).</summary>
    public static bool IsPostgres(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
               location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
               location.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The Npgsql connection string of <paramref name="location"/>: a URL's user, password and names URL-decoded, its
    /// <c>search_path</c> as <c>Search Path</c>; a connection string checked and returned as written.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The location is neither form, a URL lacks a host or database or has an unknown parameter, or a connection string
    /// has an unknown keyword; the message names the location with its password replaced by <c>***</c>.
    /// </exception>
    public static string ToConnectionString(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(location);
            }
            catch (ArgumentException e)
            {
                throw Error(location, e.Message);
            }

            return location.Trim();
        }

        if (!location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw Error(location, Expected);
        }

        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) throw Error(location, Expected);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0 || database.Contains('/')) throw Error(location, Expected);

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
                : throw Error(location, $"unknown or empty parameter '{key}' (known: search_path)");
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// <paramref name="location"/> fit for a message: a URL's password, or a connection string's <c>Password</c>,
    /// replaced by <c>***</c>.
    /// </summary>
    public static string Redact(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return PasswordInConnectionString().Replace(PasswordInUrl().Replace(location, "$1***@"), "$1***");
    }

    private static ArgumentException Error(string location, string reason) =>
        new($"PostgreSQL location '{Redact(location)}': {reason}", nameof(location));

    [GeneratedRegex("^([a-zA-Z]+://[^:/@]*:)[^@]*@")]
    private static partial Regex PasswordInUrl();

    [GeneratedRegex(@"((?:^|;)\s*(?:Password|Pwd)\s*=\s*)[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInConnectionString();
}
