using Ensemble.Silo.Store;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Scheduling;

/// <summary>
/// Renews an attempt's lease every third of its duration while the attempt works. When the store says the lease
/// is lost or the run cancelled, or the store cannot be reached for longer than the lease lasts (the lease may
/// have passed to another silo), it cancels the attempt so the attempt stops without writing.
/// </summary>
internal sealed class LeaseRenewer : IAsyncDisposable
{
    private readonly ITaskStore _store;
    private readonly TaskLease _lease;
    private readonly TimeSpan _duration;
    private readonly CancellationTokenSource _attempt;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts renewing <paramref name="lease"/>; cancels <paramref name="attempt"/> when it is gone.</summary>
    public LeaseRenewer(ITaskStore store, TaskLease lease, TimeSpan duration, CancellationTokenSource attempt, ILogger logger, TimeProvider clock)
    {
        _store = store;
        _lease = lease;
        _duration = duration;
        _attempt = attempt;
        _logger = logger;
        _clock = clock;
        _loop = Task.Run(RenewLoopAsync);
    }

    /// <summary><see cref="LeaseStatus.Held"/> while the attempt may go on; otherwise why it was stopped.</summary>
    public LeaseStatus Status { get; private set; } = LeaseStatus.Held;

    /// <summary>How many renewals succeeded.</summary>
    public int Renewals { get; private set; }

    private async Task RenewLoopAsync()
    {
        var interval = _duration / 3;
        var lastHeld = _clock.GetUtcNow();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _clock, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var status = await _store.RenewAsync(_lease, _duration, _stop.Token).ConfigureAwait(false);
                if (status == LeaseStatus.Held)
                {
                    lastHeld = _clock.GetUtcNow();
                    Renewals++;
                    continue;
                }

                Stop(status, status == LeaseStatus.Cancelled ? "its run was cancelled" : "its lease was taken over");
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is unreachable (e.g. restarting). Keep working while the lease cannot have lapsed.
                if (_clock.GetUtcNow() - lastHeld >= _duration)
                {
                    Stop(LeaseStatus.Lost, $"the store was unreachable for longer than the lease ({e.Message})");
                    return;
                }

                _logger.LogWarning("Renewing {Run}/{Task} failed, will retry: {Error}", _lease.RunId, _lease.TaskId, e.Message);
            }
        }
    }

    private void Stop(LeaseStatus status, string why)
    {
        Status = status;
        _logger.LogWarning("Stopping {Run}/{Task} (fence {Fence}): {Why}", _lease.RunId, _lease.TaskId, _lease.Fence, why);
        _attempt.Cancel();
    }

    /// <summary>Stops renewing.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
