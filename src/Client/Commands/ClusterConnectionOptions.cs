using System.CommandLine;
using Ensemble.Client.Remote;

namespace Ensemble.Client.Commands;

/// <summary>
/// <c>--cluster</c>, <c>--cluster-id</c> and <c>--cluster-ca</c>, which every remote verb takes, and the Orleans client they connect
/// (see <see cref="ClusterAddress"/>).
/// </summary>
internal sealed class ClusterConnectionOptions
{
    /// <summary><c>--cluster HOST:PORT[,…]|postgres://…</c>; <c>ENSEMBLE_CLUSTER</c> when absent.</summary>
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = $"the cluster: a silo's Orleans gateway HOST:PORT (port {ClusterAddress.DefaultGatewayPort}; several joined by commas), "
            + $"or its postgres:// store, whose membership lists the gateways (default ${ClusterAddress.ClusterVariable}); "
            + $"the token comes from ${ClusterAddress.TokenVariable}",
    };

    /// <summary><c>--cluster-id ID</c>; <c>ENSEMBLE_CLUSTER_ID</c>, else <c>ensemble</c>.</summary>
    public Option<string?> ClusterId { get; } = new("--cluster-id")
    {
        Description = $"the cluster id the silos were started with (default ${ClusterAddress.ClusterIdVariable}, else {ClusterAddress.DefaultClusterId})",
    };

    /// <summary><c>--cluster-ca FILE</c>; <c>ENSEMBLE_CLUSTER_CA</c> when absent; neither: plain TCP.</summary>
    public Option<string?> Authority { get; } = new("--cluster-ca")
    {
        Description = $"connect over TLS, trusting gateways whose certificate this PEM authority issued (the silos' --tls-ca; default ${ClusterAddress.AuthorityVariable})",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(ClusterId);
        command.Options.Add(Authority);
    }

    /// <summary>Whether a cluster is named on the command line or in the environment.</summary>
    public bool IsGiven(ParseResult parse) => ClusterAddress.IsGiven(parse.GetValue(Cluster));

    /// <summary>The address the options (or the environment) give.</summary>
    /// <exception cref="ArgumentException">None is given, or it is malformed.</exception>
    public ClusterAddress Resolve(ParseResult parse) => ClusterAddress.Resolve(parse.GetValue(Cluster), parse.GetValue(ClusterId), parse.GetValue(Authority));

    /// <summary>Connects to the cluster the options name.</summary>
    public Task<ClusterSession> ConnectAsync(ParseResult parse, CancellationToken cancellationToken) =>
        ClusterSession.ConnectAsync(Resolve(parse), cancellationToken);
}
