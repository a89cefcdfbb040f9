namespace Ensemble.Grains.Execution;

/// <summary>How one attempt of a task ended, as the silo saw it.</summary>
public enum AttemptOutcome
{
    /// <summary>Finished, and its run recorded the completion.</summary>
    Succeeded,

    /// <summary>Threw; recorded as a failed attempt (retried or failed for good by the run's rules).</summary>
    Failed,

    /// <summary>Another attempt replaced it (or its completion was refused): it stopped and recorded nothing.</summary>
    Superseded,

    /// <summary>Its run was cancelled.</summary>
    Cancelled,

    /// <summary>The silo is shutting down: it stopped at a checkpoint and handed the task back.</summary>
    Released,
}
