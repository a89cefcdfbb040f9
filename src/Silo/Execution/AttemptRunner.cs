using System.Diagnostics;
using System.Text.Json;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;
using Ensemble.Silo.Artifacts;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Metrics;
using Ensemble.Silo.Scheduling;
using Ensemble.Silo.Store;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Execution;

/// <summary>
/// Runs one claimed attempt end to end: prepares its workspace from the run's recorded artifacts (resuming from
/// the newest checkpoint), keeps its lease alive, runs the grain, stores its outputs as blobs and completes the
/// task with them in one fenced transaction; or records why it did not.
/// </summary>
internal sealed class AttemptRunner(ITaskStore store, ArtifactStore blobs, RunDataCache data, SiloOptions settings, ILogger logger, SiloMetrics metrics)
{
    /// <summary>
    /// Runs <paramref name="claim"/>. <paramref name="drain"/> asks it to stop at the next checkpoint and hand the task
    /// back; <paramref name="abort"/> stops it at once (it is handed back too).
    /// </summary>
    /// <param name="claim">The claimed task.</param>
    /// <param name="slot">The slot running it: on a GPU silo, slot i trains on <c>cuda:i</c>.</param>
    /// <param name="drain">Stop at the next checkpoint and hand the task back.</param>
    /// <param name="abort">Stop now and hand the task back.</param>
    public async Task<AttemptOutcome> RunAsync(TaskClaim claim, int slot, CancellationToken drain, CancellationToken abort)
    {
        var lease = claim.Lease;
        var started = Stopwatch.GetTimestamp();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var renewer = new LeaseRenewer(store, lease, settings.LeaseDuration, attempt, logger, settings.Clock);
        var workspace = new AttemptWorkspace(blobs.Root, lease);
        AttemptOutcome outcome;
        try
        {
            outcome = await ExecuteAsync(claim, slot, workspace, drain, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (renewer.Status == LeaseStatus.Cancelled)
        {
            outcome = AttemptOutcome.Cancelled;
        }
        catch (Exception) when (renewer.Status == LeaseStatus.Lost)
        {
            outcome = AttemptOutcome.LeaseLost;
        }
        catch (OperationCanceledException e) when (drain.IsCancellationRequested || abort.IsCancellationRequested)
        {
            logger.LogInformation("{Run}/{Task}: {Why}", lease.RunId, lease.TaskId,
                abort.IsCancellationRequested ? "stopped where it was (drain timed out)" : e.Message);
            outcome = await HandBackAsync(lease).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Run}/{Task} attempt {Attempt} failed", lease.RunId, lease.TaskId, claim.Attempt);
            var failure = await StoreRetry.RunAsync(ct => store.FailAsync(lease, Describe(e), ct), settings, abort).ConfigureAwait(false);
            logger.LogWarning("{Run}/{Task}: {Outcome}", lease.RunId, lease.TaskId, failure);
            outcome = failure == FailureOutcome.Refused ? AttemptOutcome.LeaseLost : AttemptOutcome.Failed;
            if (failure == FailureOutcome.WillRetry) metrics.TaskRetried(claim.Kind);
            // No attempt follows a task that failed for good: its checkpoints are of no further use.
            if (failure is FailureOutcome.Excused or FailureOutcome.RunFailed) workspace.Delete();
        }
        finally
        {
            await renewer.DisposeAsync().ConfigureAwait(false);
        }

        if (outcome is AttemptOutcome.Succeeded or AttemptOutcome.Cancelled) workspace.Delete();
        metrics.AttemptEnded(claim.Kind, outcome, Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    private async Task<AttemptOutcome> ExecuteAsync(TaskClaim claim, int slot, AttemptWorkspace workspace, CancellationToken drain,
        CancellationToken cancellationToken)
    {
        var lease = claim.Lease;
        var kind = Enum.Parse<TaskKind>(claim.Kind, ignoreCase: true);
        // Checked against the limits of the silo that accepted it; another silo's (lower) limits must not fail a stored run.
        var spec = RunSpecReader.Parse(claim.SpecJson, "json", $"run {lease.RunId}", SpecLimits.Unlimited);
        var runSettings = RunSettingsTranslator.Translate(spec, lease.RunId);
        // A run asks for "cuda"; which GPU is the silo's business: one slot per device.
        runSettings = runSettings with { Device = TorchRuntime.ForSlot(runSettings.Device, slot) };
        var inputs = await store.ListArtifactsAsync(lease.RunId, cancellationToken).ConfigureAwait(false);
        var resumed = workspace.Prepare(inputs, blobs);
        var start = $"{lease.TaskId} attempt {claim.Attempt} (fence {lease.Fence}) starts on {lease.SiloId}" +
            (resumed.Count == 0 ? "" : $" from {string.Join(", ", resumed)}");
        logger.LogInformation("{Run}/{Start}", lease.RunId, start);
        await store.AppendEventAsync(new RunEvent(0, lease.RunId, settings.Clock.GetUtcNow(), lease.TaskId, EventKinds.TaskStarted, start), cancellationToken)
            .ConfigureAwait(false);

        TaskResult result;
        await using (var progress = new StoreProgressSink(store, lease, claim.Kind, drain, logger, metrics))
        {
            var context = new RunContext(runSettings, workspace.Layout, progress, data.For(lease.RunId, runSettings));
            var task = new PlannedTask(lease.TaskId, kind, claim.Index, []);
            var work = TaskCatalog.For(kind);
            result = await Task.Factory.StartNew(() => work.Execute(task, context, cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.WriteJson(workspace.Layout.Result(lease.TaskId), result);
        var artifacts = new List<ArtifactRecord>();
        foreach (var (name, path) in workspace.Outputs())
        {
            artifacts.Add(await blobs.StoreBlobAsync(lease, name, path, cancellationToken).ConfigureAwait(false));
        }

        var completion = new TaskCompletion(JsonSerializer.Serialize(result, StoreJson.Options), artifacts);
        if (await StoreRetry.RunAsync(ct => store.CompleteAsync(lease, completion, ct), settings, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("{Run}/{Task} succeeded in {Seconds:F1} s ({Artifacts} artifacts)", lease.RunId, lease.TaskId, result.Seconds, artifacts.Count);
            return AttemptOutcome.Succeeded;
        }

        logger.LogWarning("{Run}/{Task}: completion refused (fence {Fence} is stale); its outputs are discarded", lease.RunId, lease.TaskId, lease.Fence);
        return AttemptOutcome.LeaseLost;
    }

    private async Task<AttemptOutcome> HandBackAsync(TaskLease lease)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var released = await StoreRetry.RunAsync(ct => store.ReleaseAsync(lease, "silo shutting down", ct), settings, timeout.Token).ConfigureAwait(false);
            logger.LogInformation("{Run}/{Task}: {What}", lease.RunId, lease.TaskId, released ? "lease released" : "lease was already gone");
        }
        catch (Exception e)
        {
            logger.LogWarning("{Run}/{Task}: could not release the lease ({Error}); it will expire", lease.RunId, lease.TaskId, e.Message);
        }

        return AttemptOutcome.Released;
    }

    private static string Describe(Exception e) => e is AggregateException { InnerException: { } inner } ? Describe(inner) : $"{e.GetType().Name}: {e.Message}";
}
