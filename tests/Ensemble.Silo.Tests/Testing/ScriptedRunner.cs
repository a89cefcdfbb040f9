using System.Collections.Concurrent;
using System.Threading.Channels;
using Ensemble.Grains.Execution;

namespace Ensemble.Silo.Tests.Testing;

/// <summary>
/// An attempt runner that runs nothing: every attempt a task grain starts is announced on <see cref="Started"/> and
/// waits until the test ends it (<see cref="StartedAttempt.End"/>), or until it is stopped or drained.
/// </summary>
internal sealed class ScriptedRunner : IAttemptRunner
{
    private readonly Channel<StartedAttempt> _started = Channel.CreateUnbounded<StartedAttempt>();

    /// <summary>Every attempt started, in order.</summary>
    public ConcurrentQueue<StartedAttempt> All { get; } = new();

    /// <summary>The attempts as they start.</summary>
    public ChannelReader<StartedAttempt> Started => _started.Reader;

    /// <inheritdoc/>
    public async Task<AttemptOutcome> RunAsync(TaskAssignment attempt, int slot, string silo, CancellationToken drain, CancellationToken stop)
    {
        var started = new StartedAttempt(attempt, slot, silo, drain, stop);
        All.Enqueue(started);
        await _started.Writer.WriteAsync(started, CancellationToken.None);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(drain, stop);
        try
        {
            return await started.Outcome.Task.WaitAsync(both.Token);
        }
        catch (OperationCanceledException)
        {
            started.Ended.TrySetResult(drain.IsCancellationRequested ? AttemptOutcome.Released : AttemptOutcome.Cancelled);
            return drain.IsCancellationRequested ? AttemptOutcome.Released : AttemptOutcome.Cancelled;
        }
    }

    /// <summary>The next attempt to start, within <paramref name="seconds"/>.</summary>
    public async Task<StartedAttempt> NextAsync(double seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _started.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no attempt started within {seconds} s");
        }
    }

    /// <summary>The next attempt to start within <paramref name="seconds"/>, or null when none does (to show that nothing starts).</summary>
    public async Task<StartedAttempt?> NextOrNoneAsync(double seconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _started.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// The attempt of <paramref name="taskId"/> of <paramref name="runId"/> that is started and not yet ended, within
    /// <paramref name="seconds"/> (whatever else started meanwhile, in this or another run).
    /// </summary>
    public async Task<StartedAttempt> AttemptOfAsync(string runId, string taskId, double seconds = 20)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            var held = All.FirstOrDefault(a => a.Assignment.RunId == runId && a.Assignment.TaskId == taskId
                && !a.Outcome.Task.IsCompleted && !a.Ended.Task.IsCompleted);
            if (held is not null) return held;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no attempt of {runId}/{taskId} started within {seconds} s");
            await Task.Delay(20);
        }
    }
}

/// <summary>One attempt a <see cref="ScriptedRunner"/> holds.</summary>
internal sealed class StartedAttempt(TaskAssignment assignment, int slot, string silo, CancellationToken drain, CancellationToken stop)
{
    /// <summary>What was started.</summary>
    public TaskAssignment Assignment { get; } = assignment;

    /// <summary>The slot it holds.</summary>
    public int Slot { get; } = slot;

    /// <summary>The silo it runs on.</summary>
    public string Silo { get; } = silo;

    /// <summary>Signalled when the silo drains.</summary>
    public CancellationToken Drain { get; } = drain;

    /// <summary>Signalled when the attempt is stopped (cancel, supersession).</summary>
    public CancellationToken Stop { get; } = stop;

    /// <summary>Completed by the test to end the attempt with an outcome.</summary>
    public TaskCompletionSource<Ensemble.Grains.Execution.AttemptOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How it ended when it was stopped or drained.</summary>
    public TaskCompletionSource<Ensemble.Grains.Execution.AttemptOutcome> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends the attempt (the test has already told the run what happened).</summary>
    public void End(Ensemble.Grains.Execution.AttemptOutcome outcome = Ensemble.Grains.Execution.AttemptOutcome.Succeeded) => Outcome.TrySetResult(outcome);
}
