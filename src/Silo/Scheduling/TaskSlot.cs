using Ensemble.Silo.Execution;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Metrics;
using Ensemble.Silo.Store;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Scheduling;

/// <summary>
/// One slot of a silo (one device): claims a ready task, runs it, and claims the next, until the silo drains.
/// A store that cannot be reached only pauses it.
/// </summary>
internal sealed class TaskSlot(int number, ITaskStore store, AttemptRunner runner, SiloOptions options, ILogger logger, SiloMetrics metrics)
{
    /// <summary>The slot's number within its silo.</summary>
    public int Number { get; } = number;

    /// <summary>The attempt running now, if any.</summary>
    public TaskClaim? Current { get; private set; }

    /// <summary>Claims and runs tasks until <paramref name="drain"/>; <paramref name="abort"/> stops the running one at once.</summary>
    public async Task RunAsync(CancellationToken drain, CancellationToken abort)
    {
        var siloId = options.EffectiveSiloId;
        var pause = options.PollInterval;
        while (!drain.IsCancellationRequested)
        {
            TaskClaim? claim;
            try
            {
                claim = await store.ClaimAsync(siloId, options.LeaseDuration, drain).ConfigureAwait(false);
                pause = options.PollInterval;
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Slot {Slot}: claiming failed ({Error}); retrying in {Pause}", Number, e.Message, pause);
                claim = null;
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }

            if (claim is null)
            {
                try
                {
                    // Jitter keeps idle silos from polling in lockstep.
                    await Task.Delay(pause * (0.75 + Random.Shared.NextDouble() / 2), options.Clock, drain).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            Current = claim;
            metrics.TaskClaimed(claim.Kind);
            try
            {
                await runner.RunAsync(claim, Number, drain, abort).ConfigureAwait(false);
            }
            finally
            {
                metrics.SlotFreed();
                Current = null;
            }
        }
    }
}
