using Ensemble.Contracts.Grains;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Placement;
using Ensemble.Grains.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Ensemble.Silo.Hosting;

/// <summary>
/// Every silo's failure watcher. When membership declares a silo dead, it frees that silo's slots and hands each
/// task that ran there back to its run, which places it again at once (it resumes from its newest checkpoint); then
/// it wakes every unfinished run, so runs whose grain lived on the dead silo go on placing. Reminders would wake
/// them only a minute later. At start it wakes the unfinished runs too: after a restart of the whole cluster (or of
/// the embedded silo) that is what resumes them. Every silo does the same; each step is idempotent.
/// </summary>
internal sealed partial class FailureWatcher(IClusterMembershipService membership, IGrainFactory grains, ILocalSiloDetails local,
    SiloMetrics metrics, ILogger<FailureWatcher> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = new Dictionary<SiloAddress, SiloStatus>();
        var woken = false;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                foreach (var member in snapshot.Members.Values)
                {
                    var was = known.GetValueOrDefault(member.SiloAddress, SiloStatus.None);
                    known[member.SiloAddress] = member.Status;
                    if (member.Status == SiloStatus.Dead && was != SiloStatus.Dead && !member.SiloAddress.Equals(local.SiloAddress))
                    {
                        await FailOverAsync(member.SiloAddress, member.Name, stoppingToken).ConfigureAwait(false);
                        woken = false;
                    }
                }

                if (!woken && snapshot.GetSiloStatus(local.SiloAddress) == SiloStatus.Active)
                {
                    woken = await WakeUnfinishedRunsAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FailOverAsync(SiloAddress dead, string name, CancellationToken cancellationToken)
    {
        LogSiloDead(name, dead.ToString());
        IReadOnlyList<SlotReservation> lost;
        try
        {
            lost = await grains.GetGrain<ISlotRegistryGrain>(0).SiloLost(dead).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run grains notice on their next placement round (their running tasks' silo is no longer active).
            LogFailOverFailed(name, e.Message);
            return;
        }

        var handedBack = 0;
        foreach (var reservation in lost)
        {
            var (runId, taskId) = TaskGrainTypes.Parse(reservation.Grain.Key.ToString()!);
            try
            {
                if (await grains.GetGrain<IRunGrain>(runId).TaskLost(taskId, dead, $"declared dead by the cluster").WaitAsync(cancellationToken)
                        .ConfigureAwait(false))
                {
                    handedBack++;
                    LogTaskFailedOver(runId, taskId, name);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailOverFailed($"{name} ({runId}/{taskId})", e.Message);
            }
        }

        metrics.TasksFailedOver(handedBack);
    }

    private async Task<bool> WakeUnfinishedRunsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var runs = await grains.GetGrain<IRunIndexGrain>(0).Unfinished().WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var runId in runs) await grains.GetGrain<IRunGrain>(runId).Wake().WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWakeFailed(e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} ({Address}) was declared dead; its tasks are placed again")]
    private partial void LogSiloDead(string silo, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Run}/{Task}: handed back to its run after silo {Silo} died")]
    private partial void LogTaskFailedOver(string run, string task, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fail-over after {Silo} failed: {Error}; its runs notice on their next placement round")]
    private partial void LogFailOverFailed(string silo, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking the unfinished runs failed: {Error}; the next membership change tries again")]
    private partial void LogWakeFailed(string error);
}
