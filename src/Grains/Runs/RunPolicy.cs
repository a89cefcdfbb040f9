namespace Ensemble.Grains.Runs;

/// <summary>How run grains space retries and look for free slots (options, validated at silo start).</summary>
public sealed class RunPolicy
{
    /// <summary>The back-off after a failed first attempt; it doubles with each further attempt.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest back-off.</summary>
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a run with ready tasks tries to place them (a finished task places its dependents at once).</summary>
    public TimeSpan PlacementInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The period of each unfinished run's reminder, the slow safety net (ARCHITECTURE §5): it re-activates a run grain
    /// that nothing else calls (a lost wake, a fail-over that could not reach the registry) and makes it reconcile
    /// and place. The failure watcher does the same at once; this catches what it missed.
    /// </summary>
    public TimeSpan SafetyNetPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The back-off before the attempt after <paramref name="failedAttempt"/> (1-based).</summary>
    public TimeSpan BackoffAfter(int failedAttempt)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryBackoff.Ticks * factor, RetryBackoffMax.Ticks));
    }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (RetryBackoff < TimeSpan.Zero) throw new ArgumentException($"RunPolicy.RetryBackoff must not be negative, not {RetryBackoff}");
        if (RetryBackoffMax < RetryBackoff) throw new ArgumentException($"RunPolicy.RetryBackoffMax ({RetryBackoffMax}) must be at least RetryBackoff ({RetryBackoff})");
        if (PlacementInterval <= TimeSpan.Zero) throw new ArgumentException($"RunPolicy.PlacementInterval must be positive, not {PlacementInterval}");
        if (SafetyNetPeriod <= TimeSpan.Zero) throw new ArgumentException($"RunPolicy.SafetyNetPeriod must be positive, not {SafetyNetPeriod}");
    }
}
