namespace Ensemble.Contracts.Runs;

/// <summary>Where a task is. Stored as its lower-case name.</summary>
[GenerateSerializer]
public enum TaskState
{
    /// <summary>Waiting for a dependency.</summary>
    Pending,

    /// <summary>Every dependency finished: placed on a free slot once its back-off (<see cref="TaskRecord.NotBefore"/>) has passed.</summary>
    Ready,

    /// <summary>Running on a silo's slot under its current fence.</summary>
    Running,

    /// <summary>Finished; its result and artifacts are recorded.</summary>
    Succeeded,

    /// <summary>Failed on its last allowed attempt.</summary>
    Failed,

    /// <summary>Its run was cancelled, or failed, before it finished.</summary>
    Cancelled,
}
