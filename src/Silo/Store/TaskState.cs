namespace Ensemble.Silo.Store;

/// <summary>Where a task is. Stored as its lower-case name.</summary>
public enum TaskState
{
    /// <summary>Waiting for a dependency.</summary>
    Pending,

    /// <summary>Every dependency finished: claimable once its back-off (<see cref="TaskRecord.NotBefore"/>) has passed.</summary>
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
