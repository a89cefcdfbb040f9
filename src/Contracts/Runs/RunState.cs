namespace Ensemble.Contracts.Runs;

/// <summary>Where a run is. Stored as its lower-case name.</summary>
[GenerateSerializer]
public enum RunState
{
    /// <summary>Submitted; no task has started yet.</summary>
    Queued,

    /// <summary>At least one task has been placed.</summary>
    Running,

    /// <summary>Every task finished (a teacher short of the quorum may have failed).</summary>
    Succeeded,

    /// <summary>A task failed for good (attempts exhausted, or too few teachers left).</summary>
    Failed,

    /// <summary>Cancelled by a user; running tasks are stopped.</summary>
    Cancelled,
}
