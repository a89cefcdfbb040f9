using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;

namespace Ensemble.Silo.Runs;

/// <summary>
/// What the HTTP API and the CLI (an Orleans client, remote or in the embedded silo) read and change, over the grains: runs (their grains), the run index,
/// the silo directory. Every call takes the caller's cancellation token (a grain call itself cannot be cancelled
/// midway; the caller stops waiting).
/// </summary>
public sealed class RunCatalog(IGrainFactory grains)
{
    /// <summary>Stores <paramref name="run"/> and starts placing its tasks.</summary>
    /// <exception cref="InvalidOperationException">A run with its id exists.</exception>
    public Task<RunSnapshot> SubmitAsync(NewRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Run(run.RunId).Submit(run).WaitAsync(cancellationToken);
    }

    /// <summary>The run and its tasks, or null.</summary>
    public Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken) => Run(runId).Get().WaitAsync(cancellationToken);

    /// <summary>The newest runs first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<RunSnapshot>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var ids = await grains.GetGrain<IRunIndexGrain>(0).List(limit).WaitAsync(cancellationToken).ConfigureAwait(false);
        var runs = await Task.WhenAll(ids.Select(id => Run(id).Get())).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. runs.OfType<RunSnapshot>()];
    }

    /// <summary>Cancels the run unless it finished; null for an unknown id.</summary>
    public Task<RunSnapshot?> CancelAsync(string runId, CancellationToken cancellationToken) => Run(runId).Cancel().WaitAsync(cancellationToken);

    /// <summary>
    /// Cancels the run unless it has finished: the cancelled run, or (<c>Cancelled</c> false) the run as it finished,
    /// when it had already or did so between the read and the cancel; null for an unknown id.
    /// </summary>
    public async Task<(RunSnapshot Run, bool Cancelled)?> CancelUnlessFinishedAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null) return null;
        if (StateNames.IsTerminal(run.Run.State)) return (run, false);
        run = await CancelAsync(runId, cancellationToken).ConfigureAwait(false);
        return run is null ? null : (run, run.Run.State == RunState.Cancelled);
    }

    /// <summary>The run's events after <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<RunEvent>> ReadEventsAsync(string runId, long afterId, int limit, CancellationToken cancellationToken) =>
        Run(runId).ReadEvents(afterId, limit).WaitAsync(cancellationToken);

    /// <summary>The run's artifacts by name.</summary>
    public Task<IReadOnlyList<ArtifactRecord>> ListArtifactsAsync(string runId, CancellationToken cancellationToken) =>
        Run(runId).ListArtifacts().WaitAsync(cancellationToken);

    /// <summary>The artifact <paramref name="name"/> of the run, or null.</summary>
    public async Task<ArtifactRecord?> GetArtifactAsync(string runId, string name, CancellationToken cancellationToken) =>
        (await ListArtifactsAsync(runId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.Name == name);

    /// <summary>Every silo membership knows, with its slots and running tasks.</summary>
    public Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancellationToken) =>
        grains.GetGrain<ISiloDirectoryGrain>(0).List().WaitAsync(cancellationToken);

    private IRunGrain Run(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return grains.GetGrain<IRunGrain>(runId);
    }
}
