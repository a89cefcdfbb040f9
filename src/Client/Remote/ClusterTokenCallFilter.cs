using Ensemble.Contracts.Access;
using Orleans.Runtime;

namespace Ensemble.Client.Remote;

/// <summary>Puts the cluster's token into the request context of every call the client makes (the silos' <c>ClientTokenFilter</c> checks it).</summary>
internal sealed class ClusterTokenCallFilter(string token) : IOutgoingGrainCallFilter
{
    /// <inheritdoc/>
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(ClusterToken.RequestContextKey, token);
        return context.Invoke();
    }
}
