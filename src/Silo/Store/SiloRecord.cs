namespace Ensemble.Silo.Store;

/// <summary>A silo process as the store last heard of it.</summary>
/// <param name="SiloId">Its id.</param>
/// <param name="Host">Machine (or pod) name.</param>
/// <param name="Url">Where its API listens, if it serves one.</param>
/// <param name="Slots">Task slots it runs.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="HeartbeatAt">Its last heartbeat.</param>
/// <param name="Stopped">True once it shut down cleanly.</param>
/// <param name="RunningTasks">The tasks it holds leases on, as <c>run-id:task-id</c> (filled by listing).</param>
public sealed record SiloRecord(string SiloId, string Host, string? Url, int Slots, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt,
    bool Stopped, IReadOnlyList<string> RunningTasks);
