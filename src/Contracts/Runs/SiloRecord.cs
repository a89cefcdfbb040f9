namespace Ensemble.Contracts.Runs;

/// <summary>A silo of the cluster, as membership knows it.</summary>
/// <param name="SiloId">Its id.</param>
/// <param name="Host">Machine (or pod) name.</param>
/// <param name="Url">Where its API listens, if it serves one.</param>
/// <param name="Slots">Task slots it runs.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="HeartbeatAt">Its last I-am-alive write to the membership table.</param>
/// <param name="Stopped">True once it left the cluster (shut down, or declared dead).</param>
/// <param name="RunningTasks">The tasks running on its slots, as <c>run-id:task-id</c> (filled by listing).</param>
[GenerateSerializer]
public sealed record SiloRecord(string SiloId, string Host, string? Url, int Slots, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt,
    bool Stopped, IReadOnlyList<string> RunningTasks);
