namespace Ensemble.Grains.Execution;

/// <summary>An attempt running in a task grain: its job and the two ways to stop it.</summary>
internal sealed class RunningAttempt(TaskAssignment assignment, TaskPlacement placement) : IDisposable
{
    /// <summary>What runs.</summary>
    public TaskAssignment Assignment { get; } = assignment;

    /// <summary>Where it runs.</summary>
    public TaskPlacement Placement { get; } = placement;

    /// <summary>Stop at the next checkpoint and hand the task back (the silo drains).</summary>
    public CancellationTokenSource Drain { get; } = new();

    /// <summary>Stop now and record nothing more (cancelled, or superseded).</summary>
    public CancellationTokenSource Stop { get; } = new();

    /// <summary>The job; set once started.</summary>
    public Task<AttemptOutcome> Job { get; set; } = Task.FromResult(AttemptOutcome.Cancelled);

    /// <inheritdoc/>
    public void Dispose()
    {
        Drain.Dispose();
        Stop.Dispose();
    }
}
