using Ensemble.Distillation.Runtime;
using Ensemble.Silo.Artifacts;
using Ensemble.Silo.Execution;
using Ensemble.Silo.Metrics;
using Ensemble.Silo.Scheduling;
using Ensemble.Silo.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Hosting;

/// <summary>
/// The working half of a silo: registers it, keeps its heartbeat, expires the lapsed leases of silos that died,
/// and runs its task slots. On shutdown it drains: running tasks stop at their next checkpoint (or after
/// <see cref="SiloOptions.DrainTimeout"/>, where they are) and hand their leases back so another silo takes them
/// within a poll rather than after the lease lapses.
/// </summary>
public sealed class SiloService : IHostedService, IAsyncDisposable
{
    private readonly ITaskStore _store;
    private readonly SiloOptions _options;
    private readonly ILogger _logger;
    private readonly SiloMetrics _metrics;
    private readonly List<TaskSlot> _slots = [];
    private readonly CancellationTokenSource _drain = new();
    private readonly CancellationTokenSource _abort = new();
    private Task _work = Task.CompletedTask;

    /// <summary>
    /// A silo over <paramref name="store"/> (its schema already migrated, as <see cref="SiloHost"/> does) and <paramref name="artifacts"/>,
    /// recording into <paramref name="metrics"/>.
    /// </summary>
    public SiloService(ITaskStore store, ArtifactStore artifacts, SiloOptions options, ILogger<SiloService> logger, SiloMetrics metrics)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        var runner = new AttemptRunner(store, artifacts, new RunDataCache(), options, logger, _metrics);
        for (var i = 0; i < options.Slots; i++) _slots.Add(new TaskSlot(i, store, runner, options, logger, _metrics));
    }

    /// <summary>The tasks running in this silo's slots now.</summary>
    public IReadOnlyList<TaskClaim> Running => [.. _slots.Select(s => s.Current).OfType<TaskClaim>()];

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var siloId = _options.EffectiveSiloId;
        if (_options.Threads is { } threads) TorchRuntime.Threads = threads;
        else if (_options.Slots > 0) TorchRuntime.Threads = Math.Max(1, Environment.ProcessorCount / _options.Slots);

        await _store.RegisterSiloAsync(siloId, Environment.MachineName, _options.Urls, _options.Slots, cancellationToken).ConfigureAwait(false);
        if (_options.SiloId is not null)
        {
            // A silo with a stable id that restarts takes back what its previous incarnation held, without waiting for the leases to lapse.
            var taken = await _store.ExpireLeasesAsync(siloId, cancellationToken).ConfigureAwait(false);
            _metrics.LeasesExpired(taken);
            if (taken > 0) _logger.LogInformation("Took back {Count} task(s) this silo held before it restarted", taken);
        }

        _logger.LogInformation("Silo {Silo} up: {Slots} slot(s), {Threads} libtorch thread(s), lease {Lease} s", siloId, _options.Slots,
            TorchRuntime.Threads, _options.LeaseDuration.TotalSeconds);
        _work = Task.WhenAll([Task.Run(() => HeartbeatAsync(_drain.Token)), .. _slots.Select(s => Task.Run(() => s.RunAsync(_drain.Token, _abort.Token)))]);
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var siloId = _options.EffectiveSiloId;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _store.HeartbeatSiloAsync(siloId, cancellationToken).ConfigureAwait(false);
                var expired = await _store.ExpireLeasesAsync(null, cancellationToken).ConfigureAwait(false);
                _metrics.LeasesExpired(expired);
                if (expired > 0)
                {
                    _logger.LogWarning("{Count} lease(s) lapsed; their tasks are retried", expired);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Heartbeat failed: {Error}", e.Message);
            }

            try
            {
                // Read on the heartbeat, not per scrape: scrapes never touch the store.
                _metrics.StoreCounted(await _store.CountTasksAsync(cancellationToken).ConfigureAwait(false),
                    await _store.CountRunsAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Counting tasks for metrics failed: {Error}", e.Message);
            }

            try
            {
                await Task.Delay(_options.HeartbeatInterval, _options.Clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var running = Running;
        if (running.Count > 0)
        {
            _logger.LogInformation("Draining: {Tasks} stop at their next checkpoint (at most {Seconds} s)",
                string.Join(", ", running.Select(c => $"{c.Lease.RunId}/{c.Lease.TaskId}")), _options.DrainTimeout.TotalSeconds);
        }

        await _drain.CancelAsync().ConfigureAwait(false);
        if (await Task.WhenAny(_work, Task.Delay(_options.DrainTimeout, cancellationToken)).ConfigureAwait(false) != _work)
        {
            _logger.LogWarning("Drain timed out; stopping running tasks where they are");
            await _abort.CancelAsync().ConfigureAwait(false);
        }

        await _work.ConfigureAwait(false);
        try
        {
            await _store.StopSiloAsync(_options.EffectiveSiloId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Could not mark the silo stopped: {Error}", e.Message);
        }

        _logger.LogInformation("Silo {Silo} stopped", _options.EffectiveSiloId);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _drain.Dispose();
        _abort.Dispose();
        return ValueTask.CompletedTask;
    }
}
