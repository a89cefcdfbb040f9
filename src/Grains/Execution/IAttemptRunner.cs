namespace Ensemble.Grains.Execution;

/// <summary>The job a task grain runs for one attempt (<see cref="AttemptRunner"/>; tests put a controllable one in its place).</summary>
public interface IAttemptRunner
{
    /// <summary>
    /// Runs <paramref name="attempt"/> on slot <paramref name="slot"/> of silo <paramref name="silo"/>, reporting to its
    /// run grain. <paramref name="drain"/> asks it to stop at the next checkpoint and hand the task back;
    /// <paramref name="stop"/> stops it at once (cancelled or superseded: it records nothing more).
    /// </summary>
    Task<AttemptOutcome> RunAsync(TaskAssignment attempt, int slot, string silo, CancellationToken drain, CancellationToken stop);
}
