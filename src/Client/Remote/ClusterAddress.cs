using System.Globalization;
using System.Net;
using Ensemble.Silo.Storage.Postgres;

namespace Ensemble.Client.Remote;

/// <summary>
/// Where the CLI finds a cluster and how it proves it may use it: <c>--cluster</c> (or <c>ENSEMBLE_CLUSTER</c>), either
/// silo gateways (<c>HOST:PORT[,HOST:PORT…]</c>) or the cluster's PostgreSQL (its membership table lists the
/// gateways); <c>--cluster-id</c> (or <c>ENSEMBLE_CLUSTER_ID</c>); the token from <c>ENSEMBLE_TOKEN</c>; with
/// <c>--cluster-ca</c> (or <c>ENSEMBLE_CLUSTER_CA</c>), TLS to gateways whose certificate that authority issued.
/// </summary>
/// <param name="Display">The location as the user gave it (a password redacted), for messages.</param>
/// <param name="Gateways">The gateways as given (host, port), or empty when the database lists them.</param>
/// <param name="PostgresConnectionString">The Npgsql connection string, or null for gateways.</param>
/// <param name="ClusterId">The Orleans cluster id the silos were started with (<c>ensemble silo --cluster-id</c>).</param>
/// <param name="Token">The cluster's API token, or null when it has none.</param>
/// <param name="Authority">The PEM file of the authority that issued the silos' TLS certificates, or null for plain TCP.</param>
public sealed record ClusterAddress(string Display, IReadOnlyList<(string Host, int Port)> Gateways, string? PostgresConnectionString,
    string ClusterId, string? Token, string? Authority)
{
    /// <summary>The environment variable that names the cluster when <c>--cluster</c> is not given.</summary>
    public const string ClusterVariable = "ENSEMBLE_CLUSTER";

    /// <summary>The environment variable that names the cluster id when <c>--cluster-id</c> is not given.</summary>
    public const string ClusterIdVariable = "ENSEMBLE_CLUSTER_ID";

    /// <summary>The environment variable that holds the cluster's API token.</summary>
    public const string TokenVariable = "ENSEMBLE_TOKEN";

    /// <summary>The environment variable that names the cluster's certificate authority when <c>--cluster-ca</c> is not given.</summary>
    public const string AuthorityVariable = "ENSEMBLE_CLUSTER_CA";

    /// <summary>The cluster id silos start with when not told otherwise.</summary>
    public const string DefaultClusterId = "ensemble";

    /// <summary>The gateway port silos listen on when not told otherwise.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The variable the HTTP-era CLI read; named in the error when it is all that is set.</summary>
    private const string FormerSiloVariable = "ENSEMBLE_SILO";

    /// <summary>The cluster from <paramref name="cluster"/>, <paramref name="clusterId"/> and <paramref name="authority"/> (the options' values) or the environment.</summary>
    /// <exception cref="ArgumentException">No cluster is given, or it is malformed; the message names the option and what it expects.</exception>
    public static ClusterAddress Resolve(string? cluster, string? clusterId, string? authority)
    {
        var (value, source) = cluster is { Length: > 0 }
            ? (cluster, "--cluster")
            : (Environment.GetEnvironmentVariable(ClusterVariable), ClusterVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            var former = Environment.GetEnvironmentVariable(FormerSiloVariable) is { Length: > 0 }
                ? $" ({FormerSiloVariable}, an HTTP URL, is no longer read: the CLI is an Orleans client of the silos' gateways)"
                : "";
            throw new ArgumentException($"--cluster: no cluster given; pass --cluster HOST:{DefaultGatewayPort} or set {ClusterVariable}{former}");
        }

        var (id, idSource) = clusterId is { Length: > 0 }
            ? (clusterId, "--cluster-id")
            : (Environment.GetEnvironmentVariable(ClusterIdVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultClusterId, ClusterIdVariable);
        if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException($"{idSource}: must not be empty");
        var token = Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } t ? t : null;
        var ca = authority is { Length: > 0 } ? authority : Environment.GetEnvironmentVariable(AuthorityVariable) is { Length: > 0 } c ? c : null;

        if (PostgresLocation.IsPostgres(value))
        {
            return new ClusterAddress(PostgresLocation.Redact(value), [], PostgresLocation.ToConnectionString(value), id, token, ca);
        }

        return new ClusterAddress(value, ParseGateways(value, source), null, id, token, ca);
    }

    /// <summary>Whether a cluster is named by <paramref name="cluster"/> or the environment.</summary>
    public static bool IsGiven(string? cluster) =>
        cluster is { Length: > 0 } || Environment.GetEnvironmentVariable(ClusterVariable) is { Length: > 0 };

    private static List<(string, int)> ParseGateways(string value, string source)
    {
        var gateways = new List<(string, int)>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = part.LastIndexOf(':');
            var host = colon < 0 ? part : part[..colon];
            if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
            int port = DefaultGatewayPort;
            var portOk = colon < 0 || (int.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535);
            if (part.Contains("://", StringComparison.Ordinal) || host.Length == 0 || !portOk
                || (Uri.CheckHostName(host) == UriHostNameType.Unknown && !IPAddress.TryParse(host, out _)))
            {
                throw new ArgumentException(
                    $"{source}: expected HOST:PORT of a silo's gateway (port {DefaultGatewayPort} unless the silo was given --gateway-port), several joined by commas, "
                    + $"or postgres://user:password@host:port/database; got '{part}'");
            }

            gateways.Add((host, port));
        }

        return gateways;
    }
}
