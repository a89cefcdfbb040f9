using Orleans.Runtime;

namespace Ensemble.Silo.Hosting;

/// <summary>
/// Whether a silo can do its work: it is an active member of its cluster, and its grain storage (the SQLite file,
/// or PostgreSQL) answers a trivial query.
/// </summary>
/// <param name="membership">The silo's view of membership.</param>
/// <param name="local">The silo itself.</param>
/// <param name="pingStorage">Answers a trivial query against the grain storage; throws when it cannot.</param>
public sealed class SiloReadiness(IClusterMembershipService membership, ILocalSiloDetails local, Func<CancellationToken, Task> pingStorage)
{
    /// <summary>Null when ready; otherwise why not, in one line.</summary>
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        if (status != SiloStatus.Active) return $"the silo is {status.ToString().ToLowerInvariant()} in the cluster, not active";
        try
        {
            await pingStorage(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"grain storage is unreachable: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
    }
}
