using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ensemble.Grains.Execution;

/// <summary>
/// The attempts running on this silo, drained first when it stops: while every grain is still active (the run
/// grains and the slot registry among them, even on a silo that is the whole cluster), each attempt stops at its
/// next checkpoint, or where it is once <see cref="TaskExecutionOptions.DrainTimeout"/> has passed, and hands its
/// task back to its run, so the interruption costs no attempt. From then on this silo starts no attempt.
/// </summary>
public sealed partial class SiloDrain(TaskExecutionOptions options, ILogger<SiloDrain> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long attempts stopped where they are get to hand their tasks back.</summary>
    private static readonly TimeSpan HandBackTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<RunningAttempt, byte> _running = new();
    private volatile bool _draining;

    /// <summary>Whether the silo is stopping: a task grain refuses new attempts.</summary>
    public bool IsDraining => _draining;

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // Active stops first, before BecomeActive (membership) and GrainDeactivation.
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DrainAsync);
    }

    internal void Add(RunningAttempt attempt) => _running.TryAdd(attempt, 0);

    internal void Remove(RunningAttempt attempt) => _running.TryRemove(attempt, out _);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var attempts = _running.Keys.ToList();
        if (attempts.Count == 0) return;
        LogDraining(attempts.Count, options.DrainTimeout.TotalSeconds);
        foreach (var attempt in attempts) await CancelAsync(attempt.Drain).ConfigureAwait(false);
        var all = Task.WhenAll(attempts.Select(a => a.Job));
        if (await Task.WhenAny(all, Task.Delay(options.DrainTimeout, cancellationToken)).ConfigureAwait(false) == all) return;

        var late = attempts.Where(a => !a.Job.IsCompleted).ToList();
        LogStoppingLate(late.Count);
        // Still draining: stopped where it is, an attempt hands its task back all the same (it resumes from its last checkpoint).
        foreach (var attempt in late) await CancelAsync(attempt.Stop).ConfigureAwait(false);
        await Task.WhenAny(all, Task.Delay(HandBackTimeout, CancellationToken.None)).ConfigureAwait(false);
    }

    private static async Task CancelAsync(CancellationTokenSource source)
    {
        try
        {
            await source.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Its attempt ended meanwhile.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo stopping: {Count} running attempts get {Seconds} s to reach their next checkpoint")]
    private partial void LogDraining(int count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} attempts reached no checkpoint in time; stopped where they are, they hand their tasks back")]
    private partial void LogStoppingLate(int count);
}
