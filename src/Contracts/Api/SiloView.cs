namespace Ensemble.Contracts.Api;

/// <summary>A silo process the store knows: <c>GET /api/v1/silos</c>.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Host">Machine (or pod) name.</param>
/// <param name="Url">Where its API listens, or null when it serves none.</param>
/// <param name="Slots">Task slots it runs.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="HeartbeatAt">Its last heartbeat.</param>
/// <param name="Stopped">True once it shut down cleanly.</param>
/// <param name="Alive">Membership lists it as active.</param>
/// <param name="RunningTasks">The tasks running on its slots, as <c>run-id:task-id</c>.</param>
public sealed record SiloView(string Id, string Host, string? Url, int Slots, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt,
    bool Stopped, bool Alive, IReadOnlyList<string> RunningTasks);
