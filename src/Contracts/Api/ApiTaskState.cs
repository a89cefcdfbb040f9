namespace Ensemble.Contracts.Api;

/// <summary>Where a task is, as the API reports it (on the wire: the lower-case name).</summary>
public enum ApiTaskState
{
    /// <summary>Waiting for a dependency.</summary>
    Pending,

    /// <summary>Every dependency finished; claimable once its retry back-off has passed.</summary>
    Ready,

    /// <summary>Claimed by a silo under a lease.</summary>
    Running,

    /// <summary>Finished; its result and artifacts are recorded.</summary>
    Succeeded,

    /// <summary>Failed on its last allowed attempt.</summary>
    Failed,

    /// <summary>Its run was cancelled, or failed, before it finished.</summary>
    Cancelled,
}
