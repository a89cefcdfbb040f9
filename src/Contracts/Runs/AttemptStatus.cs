namespace Ensemble.Contracts.Runs;

/// <summary>Whether an attempt (a task's <see cref="TaskRecord.Fence"/>) may still write on its run's behalf.</summary>
[GenerateSerializer]
public enum AttemptStatus
{
    /// <summary>The attempt is the task's current one and the task is running.</summary>
    Current,

    /// <summary>Another attempt replaced it (its silo was declared dead, or it was handed back): it must stop and its outputs are discarded.</summary>
    Superseded,

    /// <summary>The run or task was cancelled: it must stop.</summary>
    Cancelled,
}
