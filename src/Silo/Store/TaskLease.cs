namespace Ensemble.Silo.Store;

/// <summary>The right to work on a task: valid while the task is running under this <paramref name="Fence"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Fence">The fencing token the claim handed out.</param>
/// <param name="SiloId">The silo that claimed it.</param>
public sealed record TaskLease(string RunId, string TaskId, long Fence, string SiloId);
