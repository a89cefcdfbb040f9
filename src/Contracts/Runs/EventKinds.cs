namespace Ensemble.Contracts.Runs;

/// <summary>The <see cref="RunEvent.Kind"/> values a run's event log holds.</summary>
public static class EventKinds
{
    /// <summary>A run was stored.</summary>
    public const string RunSubmitted = "run-submitted";

    /// <summary>A task was placed on a free slot of a silo (a new attempt, under a new fence).</summary>
    public const string TaskPlaced = "task-placed";

    /// <summary>A running attempt reported progress (the record is the event's data).</summary>
    public const string TaskProgress = "task-progress";

    /// <summary>A placed attempt has set up its workspace and starts work.</summary>
    public const string TaskStarted = "task-started";

    /// <summary>A task completed.</summary>
    public const string TaskSucceeded = "task-succeeded";

    /// <summary>An attempt failed and the task will be retried after its back-off.</summary>
    public const string TaskRetry = "task-retry";

    /// <summary>A task failed for good (excused, or failing its run).</summary>
    public const string TaskFailed = "task-failed";

    /// <summary>A silo handed a running task back without using up the attempt.</summary>
    public const string TaskReleased = "task-released";

    /// <summary>The silo running the task was declared dead (or the run found it gone); the attempt counts, and the task is placed again at once.</summary>
    public const string TaskLost = "task-lost";

    /// <summary>Every task of the run finished.</summary>
    public const string RunSucceeded = "run-succeeded";

    /// <summary>A task failed the run.</summary>
    public const string RunFailed = "run-failed";

    /// <summary>A user cancelled the run.</summary>
    public const string RunCancelled = "run-cancelled";
}
