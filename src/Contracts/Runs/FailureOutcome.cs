namespace Ensemble.Contracts.Runs;

/// <summary>What recording a failed attempt led to.</summary>
[GenerateSerializer]
public enum FailureOutcome
{
    /// <summary>The lease was no longer held: nothing changed.</summary>
    Refused,

    /// <summary>The task is ready again after its back-off.</summary>
    WillRetry,

    /// <summary>The task failed for good but the run goes on (a teacher above the quorum).</summary>
    Excused,

    /// <summary>The task failed for good and took its run with it.</summary>
    RunFailed,
}
