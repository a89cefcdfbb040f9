using System.Diagnostics;
using System.Threading.Channels;
using Ensemble.Contracts.Grains;
using Ensemble.Grains.Execution;

namespace Ensemble.Silo.Tests.Testing;

/// <summary>
/// An attempt runner that, like the real one, hands its task back to the run when it is drained, and ends only once
/// the run has answered; until then each attempt runs until it is stopped or drained.
/// </summary>
internal sealed class HandBackRunner : IAttemptRunner
{
    private readonly Channel<TaskAssignment> _started = Channel.CreateUnbounded<TaskAssignment>();

    /// <summary>The silo's grains (set once it has started).</summary>
    public IGrainFactory? Grains { get; set; }

    /// <summary>Completed when the first attempt is drained, before it hands the task back.</summary>
    public TaskCompletionSource Draining { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the hand-back waits for (completed at once unless a test holds it back).</summary>
    public TaskCompletionSource HandBack { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The first hand-back's answer, and how long the run took to give it.</summary>
    public TaskCompletionSource<(bool Released, TimeSpan After)> HandedBack { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next attempt to start, within 10 s.</summary>
    public async Task<TaskAssignment> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _started.Reader.ReadAsync(timeout.Token);
    }

    /// <inheritdoc/>
    public async Task<AttemptOutcome> RunAsync(TaskAssignment attempt, int slot, string silo, CancellationToken drain, CancellationToken stop)
    {
        await _started.Writer.WriteAsync(attempt, CancellationToken.None);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(drain, stop);
        await Task.Delay(Timeout.InfiniteTimeSpan, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!drain.IsCancellationRequested) return AttemptOutcome.Superseded;
        Draining.TrySetResult();
        await HandBack.Task;
        var clock = Stopwatch.StartNew();
        try
        {
            var released = await Grains!.GetGrain<IRunGrain>(attempt.RunId).Release(attempt.TaskId, attempt.Fence, "silo shutting down");
            HandedBack.TrySetResult((released, clock.Elapsed));
        }
        catch (Exception e)
        {
            // The silo's own shutdown at the end of a test may find no run grain to answer.
            HandedBack.TrySetException(e);
        }

        return AttemptOutcome.Released;
    }
}
