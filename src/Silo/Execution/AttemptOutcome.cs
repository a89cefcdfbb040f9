namespace Ensemble.Silo.Execution;

/// <summary>How one attempt of a task ended, as the silo saw it.</summary>
public enum AttemptOutcome
{
    /// <summary>Finished and completed in the store.</summary>
    Succeeded,

    /// <summary>Threw; recorded as a failed attempt (retried or failed for good by the store's rules).</summary>
    Failed,

    /// <summary>Its lease was taken over (or refused at completion): it stopped and recorded nothing.</summary>
    LeaseLost,

    /// <summary>Its run was cancelled.</summary>
    Cancelled,

    /// <summary>The silo is shutting down: it stopped at a checkpoint and handed the task back.</summary>
    Released,
}
