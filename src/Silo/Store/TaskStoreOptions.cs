namespace Ensemble.Silo.Store;

/// <summary>How a task store keeps time and spaces retries.</summary>
public sealed record TaskStoreOptions
{
    /// <summary>The clock every timestamp and lease comparison uses (silos are expected to keep NTP time).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The back-off after a failed first attempt; it doubles with each further attempt.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest back-off.</summary>
    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The back-off before the attempt after <paramref name="failedAttempt"/> (1-based).</summary>
    public TimeSpan BackoffAfter(int failedAttempt)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryBackoff.Ticks * factor, RetryBackoffMax.Ticks));
    }
}
