using Ensemble.Silo.Store;

namespace Ensemble.Silo.Artifacts;

/// <summary>A write on behalf of a task whose lease (fencing token) is no longer current; nothing was recorded.</summary>
public sealed class StaleLeaseException(TaskLease lease, string what)
    : Exception($"{what} refused: {lease.RunId}/{lease.TaskId} is no longer held under fence {lease.Fence}")
{
    /// <summary>The lease that was presented.</summary>
    public TaskLease Lease { get; } = lease;
}
