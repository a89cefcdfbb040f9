namespace Ensemble.Silo.Store;

/// <summary>The <see cref="RunEvent.Kind"/> values the task stores write.</summary>
public static class EventKinds
{
    /// <summary>A run was stored.</summary>
    public const string RunSubmitted = "run-submitted";

    /// <summary>A slot claimed a task.</summary>
    public const string TaskClaimed = "task-claimed";

    /// <summary>A running attempt reported progress (the record is the event's data).</summary>
    public const string TaskProgress = "task-progress";

    /// <summary>A claimed attempt has set up its workspace and starts work.</summary>
    public const string TaskStarted = "task-started";

    /// <summary>A task completed.</summary>
    public const string TaskSucceeded = "task-succeeded";

    /// <summary>An attempt failed and the task will be retried after its back-off.</summary>
    public const string TaskRetry = "task-retry";

    /// <summary>A task failed for good (excused, or failing its run).</summary>
    public const string TaskFailed = "task-failed";

    /// <summary>A silo handed a running task back without using up the attempt.</summary>
    public const string TaskReleased = "task-released";

    /// <summary>A lease lapsed (or its silo restarted); the attempt counts as failed.</summary>
    public const string LeaseExpired = "lease-expired";

    /// <summary>Every task of the run finished.</summary>
    public const string RunSucceeded = "run-succeeded";

    /// <summary>A task failed the run.</summary>
    public const string RunFailed = "run-failed";

    /// <summary>A user cancelled the run.</summary>
    public const string RunCancelled = "run-cancelled";
}
