using System.Security.Cryptography;
using System.Text;
using Ensemble.Contracts.Access;
using Orleans.Runtime;

namespace Ensemble.Silo.Access;

/// <summary>
/// Refuses every grain call an Orleans client outside the silo makes without the cluster's token in its request context
/// (<see cref="ClusterToken"/>). Calls from grains, and from this process's own hosted client (the HTTP API, which
/// checks the bearer token itself; the failure watcher; metrics), are not clients at a gateway and pass.
/// </summary>
/// <remarks>
/// Orleans names a silo's hosted client <c>sys.client/hosted-…</c> and a gateway client <c>sys.client/GUID</c>; a
/// test (ClientTokenTests) holds both to that, so a change in Orleans fails there, not in production.
/// </remarks>
internal sealed class ClientTokenFilter(string token) : IIncomingGrainCallFilter
{
    private const string HostedClientPrefix = "hosted-";
    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);

    /// <inheritdoc/>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        // Orleans' system targets answer the client's own start-up (the cluster manifest, the gateway list); every grain, ours and Orleans' management grain alike, needs the token.
        if (context.SourceId is { } source && IsGatewayClient(source) && !context.TargetId.Type.IsSystemTarget())
        {
            var sent = RequestContext.Get(ClusterToken.RequestContextKey) as string;
            if (sent is null) throw new ClusterAccessDeniedException("the cluster requires a token and the client sent none");
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), _token))
            {
                throw new ClusterAccessDeniedException("the cluster refused the client's token");
            }
        }

        return context.Invoke();
    }

    /// <summary>Whether <paramref name="source"/> is a client connected through a gateway (not this silo's hosted one).</summary>
    public static bool IsGatewayClient(GrainId source) =>
        source.Type.IsClient() && !source.Key.ToString().StartsWith(HostedClientPrefix, StringComparison.Ordinal);
}
