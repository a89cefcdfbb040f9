namespace Ensemble.Contracts.Api;

/// <summary>Where a run is, as the API reports it (on the wire: the lower-case name).</summary>
public enum ApiRunState
{
    /// <summary>Submitted; no task has started yet.</summary>
    Queued,

    /// <summary>At least one task has been claimed.</summary>
    Running,

    /// <summary>Every task finished.</summary>
    Succeeded,

    /// <summary>A task failed for good.</summary>
    Failed,

    /// <summary>Cancelled by a user.</summary>
    Cancelled,
}
