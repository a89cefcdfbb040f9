namespace Ensemble.Contracts.Runs;

/// <summary>
/// The wire and metric names of run and task states (the lower-case enum names), one mapping for the API, the
/// metrics and the event messages.
/// </summary>
public static class StateNames
{
    /// <summary>The stored name of <paramref name="state"/>.</summary>
    public static string Of(RunState state) => state switch
    {
        RunState.Queued => "queued",
        RunState.Running => "running",
        RunState.Succeeded => "succeeded",
        RunState.Failed => "failed",
        RunState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown run state"),
    };

    /// <summary>The stored name of <paramref name="state"/>.</summary>
    public static string Of(TaskState state) => state switch
    {
        TaskState.Pending => "pending",
        TaskState.Ready => "ready",
        TaskState.Running => "running",
        TaskState.Succeeded => "succeeded",
        TaskState.Failed => "failed",
        TaskState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown task state"),
    };

    /// <summary>The run state stored as <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The store holds a name this build does not know.</exception>
    public static RunState ParseRun(string name) => name switch
    {
        "queued" => RunState.Queued,
        "running" => RunState.Running,
        "succeeded" => RunState.Succeeded,
        "failed" => RunState.Failed,
        "cancelled" => RunState.Cancelled,
        _ => throw new InvalidDataException($"runs.state: unknown run state '{name}' in stored run state"),
    };

    /// <summary>The task state stored as <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The store holds a name this build does not know.</exception>
    public static TaskState ParseTask(string name) => name switch
    {
        "pending" => TaskState.Pending,
        "ready" => TaskState.Ready,
        "running" => TaskState.Running,
        "succeeded" => TaskState.Succeeded,
        "failed" => TaskState.Failed,
        "cancelled" => TaskState.Cancelled,
        _ => throw new InvalidDataException($"tasks.state: unknown task state '{name}' in stored run state"),
    };

    /// <summary>True for the states a run does not leave.</summary>
    public static bool IsTerminal(RunState state) => state is RunState.Succeeded or RunState.Failed or RunState.Cancelled;
}
