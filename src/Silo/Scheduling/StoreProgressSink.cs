using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Tasks;
using Ensemble.Silo.Execution;
using Ensemble.Silo.Metrics;
using Ensemble.Silo.Store;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Scheduling;

/// <summary>
/// Where a running task's progress goes in a silo: logged, and written to the store (the task's progress and a
/// <c>task-progress</c> event) by a background writer so training never waits on the store. When the silo drains
/// (SIGTERM), the next epoch report, which comes right after that epoch's checkpoint is saved, stops the task.
/// </summary>
internal sealed class StoreProgressSink : IProgress<TaskProgress>, IAsyncDisposable
{
    private readonly ITaskStore _store;
    private readonly TaskLease _lease;
    private readonly CancellationToken _drain;
    private readonly ILogger _logger;
    private readonly string _kind;
    private readonly SiloMetrics _metrics;
    private readonly Channel<TaskProgress> _pending = Channel.CreateUnbounded<TaskProgress>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>
    /// A sink for the attempt holding <paramref name="lease"/> (a task of <paramref name="kind"/>); <paramref name="drain"/>
    /// stops it at the next epoch end; epochs are counted into <paramref name="metrics"/>.
    /// </summary>
    public StoreProgressSink(ITaskStore store, TaskLease lease, string kind, CancellationToken drain, ILogger logger, SiloMetrics metrics)
    {
        _store = store;
        _lease = lease;
        _kind = kind;
        _drain = drain;
        _logger = logger;
        _metrics = metrics;
        _writer = Task.Run(WriteAsync);
    }

    /// <inheritdoc/>
    public void Report(TaskProgress value)
    {
        _logger.LogInformation("{Run} {Task}: {Message}", _lease.RunId, value.TaskId, value.Message);
        _pending.Writer.TryWrite(value);
        if (value is { Epoch: not null, Loss: { } loss, SamplesPerSecond: { } rate, Samples: { } samples })
        {
            _metrics.EpochFinished(_lease.RunId, _lease.TaskId, _kind, loss, rate, samples);
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
                var json = JsonSerializer.Serialize(progress, StoreJson.Options);
                await _store.ReportProgressAsync(_lease, json, $"{progress.TaskId}: {progress.Message}", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning("Could not store progress of {Run}/{Task}: {Error}", _lease.RunId, _lease.TaskId, e.Message);
            }
        }
    }

    /// <summary>Writes what is pending, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _metrics.TrainingEnded(_lease.RunId, _lease.TaskId);
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
