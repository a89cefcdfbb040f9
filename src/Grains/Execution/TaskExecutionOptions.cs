namespace Ensemble.Grains.Execution;

/// <summary>How a silo runs task attempts (options, validated at silo start).</summary>
public sealed class TaskExecutionOptions
{
    /// <summary>This silo's name in events and listings (its <c>--id</c>, or host-pid).</summary>
    public string SiloName { get; set; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

    /// <summary>How often a running attempt asks its run whether it is still current (cancel and supersession are also pushed at once).</summary>
    public TimeSpan FenceCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a grain call on an attempt's behalf is retried while the cluster recovers (a run grain moving off a dead silo).</summary>
    public TimeSpan CallRetryWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On shutdown, how long running tasks get to reach their next checkpoint before they are stopped where they are.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SiloName)) throw new ArgumentException("TaskExecutionOptions.SiloName is empty");
        if (FenceCheckInterval <= TimeSpan.Zero) throw new ArgumentException($"TaskExecutionOptions.FenceCheckInterval must be positive, not {FenceCheckInterval}");
        if (CallRetryWindow < TimeSpan.Zero) throw new ArgumentException($"TaskExecutionOptions.CallRetryWindow must not be negative, not {CallRetryWindow}");
        if (DrainTimeout < TimeSpan.Zero) throw new ArgumentException($"TaskExecutionOptions.DrainTimeout must not be negative, not {DrainTimeout}");
    }
}
