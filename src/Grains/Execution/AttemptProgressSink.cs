using System.Text.Json;
using System.Threading.Channels;
using Ensemble.Contracts.Grains;
using Ensemble.Grains.Tasks;
using Ensemble.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace Ensemble.Grains.Execution;

/// <summary>
/// Where a running attempt's progress goes: logged, and sent to its run grain (the task's progress and a
/// <c>task-progress</c> event) by a background writer so training never waits on it. A refused report (the
/// attempt is no longer current) stops the attempt. When the silo drains (SIGTERM), the next epoch report, which
/// comes right after that epoch's checkpoint is saved, stops the task.
/// </summary>
internal sealed class AttemptProgressSink : IProgress<TaskProgress>, IAsyncDisposable
{
    private readonly IRunGrain _run;
    private readonly TaskAssignment _attempt;
    private readonly CancellationToken _drain;
    private readonly CancellationTokenSource _stop;
    private readonly ILogger _logger;
    private readonly SiloMetrics _metrics;
    private readonly Channel<TaskProgress> _pending = Channel.CreateUnbounded<TaskProgress>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>
    /// A sink for <paramref name="attempt"/>, reporting to <paramref name="run"/>; <paramref name="drain"/> stops it at the
    /// next epoch end; a refused report cancels <paramref name="stop"/>; epochs are counted into <paramref name="metrics"/>.
    /// </summary>
    public AttemptProgressSink(IRunGrain run, TaskAssignment attempt, CancellationToken drain, CancellationTokenSource stop, ILogger logger,
        SiloMetrics metrics)
    {
        _run = run;
        _attempt = attempt;
        _drain = drain;
        _stop = stop;
        _logger = logger;
        _metrics = metrics;
        _writer = Task.Run(WriteAsync);
    }

    /// <inheritdoc/>
    public void Report(TaskProgress value)
    {
        _logger.LogInformation("{Run} {Task}: {Message}", _attempt.RunId, value.TaskId, value.Message);
        _pending.Writer.TryWrite(value);
        if (value is { Epoch: not null, Loss: { } loss, SamplesPerSecond: { } rate, Samples: { } samples })
        {
            _metrics.EpochFinished(_attempt.RunId, _attempt.TaskId, _attempt.Kind, loss, rate, samples);
        }

        if (value.Epoch is not null && _drain.IsCancellationRequested)
        {
            throw new OperationCanceledException($"the silo is shutting down; {value.TaskId} stops after epoch {value.Epoch} (checkpointed)", _drain);
        }
    }

    private async Task WriteAsync()
    {
        await foreach (var progress in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var json = JsonSerializer.Serialize(progress, AttemptJson.Options);
                if (!await _run.ReportProgress(_attempt.TaskId, _attempt.Fence, json, $"{progress.TaskId}: {progress.Message}").ConfigureAwait(false))
                {
                    await _stop.CancelAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                _logger.LogWarning("Could not report progress of {Run}/{Task}: {Error}", _attempt.RunId, _attempt.TaskId, e.Message);
            }
        }
    }

    /// <summary>Writes what is pending, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _metrics.TrainingEnded(_attempt.RunId, _attempt.TaskId);
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
