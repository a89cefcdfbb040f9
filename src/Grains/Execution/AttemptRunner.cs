using System.Diagnostics;
using System.Text.Json;
using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;
using Ensemble.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace Ensemble.Grains.Execution;

/// <summary>
/// Runs one attempt of a task end to end, off the grain scheduler: prepares its workspace from the run's recorded
/// artifacts (resuming from the newest checkpoint), runs the stage, stores its outputs as blobs and completes the
/// task with them through its run grain under the attempt's fence; or records why it did not. While it runs it
/// asks the run grain, every <see cref="TaskExecutionOptions.FenceCheckInterval"/>, whether it is still current.
/// </summary>
public sealed class AttemptRunner(IGrainFactory grains, ArtifactStore blobs, RunDataCache data, TaskExecutionOptions options,
    ILogger<AttemptRunner> logger, SiloMetrics metrics) : IAttemptRunner
{
    /// <inheritdoc/>
    public async Task<AttemptOutcome> RunAsync(TaskAssignment attempt, int slot, string silo, CancellationToken drain, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var started = Stopwatch.GetTimestamp();
        var run = grains.GetGrain<IRunGrain>(attempt.RunId);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var watchEnd = new CancellationTokenSource();
        var watch = WatchFenceAsync(run, attempt, running, watchEnd.Token);
        var workspace = new AttemptWorkspace(blobs.Root, attempt.RunId, attempt.TaskId, attempt.Fence);
        AttemptOutcome outcome;
        metrics.AttemptStarted(attempt.Kind);
        try
        {
            outcome = await ExecuteAsync(run, attempt, slot, silo, workspace, drain, running).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested && !drain.IsCancellationRequested)
        {
            var status = await StatusAsync(run, attempt).ConfigureAwait(false);
            logger.LogInformation("{Run}/{Task} attempt {Attempt} stopped: {Status}", attempt.RunId, attempt.TaskId, attempt.Attempt, status);
            outcome = status == AttemptStatus.Cancelled ? AttemptOutcome.Cancelled : AttemptOutcome.Superseded;
        }
        catch (OperationCanceledException e) when (drain.IsCancellationRequested)
        {
            logger.LogInformation("{Run}/{Task}: {Why}", attempt.RunId, attempt.TaskId, e.Message);
            outcome = await HandBackAsync(run, attempt).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Run}/{Task} attempt {Attempt} failed", attempt.RunId, attempt.TaskId, attempt.Attempt);
            var failure = await GrainRetry.RunAsync(() => run.Fail(attempt.TaskId, attempt.Fence, Describe(e)), options.CallRetryWindow, stop)
                .ConfigureAwait(false);
            logger.LogWarning("{Run}/{Task}: {Outcome}", attempt.RunId, attempt.TaskId, failure);
            outcome = failure == FailureOutcome.Refused ? AttemptOutcome.Superseded : AttemptOutcome.Failed;
            if (failure == FailureOutcome.WillRetry) metrics.TaskRetried(attempt.Kind);
            // No attempt follows a task that failed for good: its checkpoints are of no further use.
            if (failure is FailureOutcome.Excused or FailureOutcome.RunFailed) workspace.Delete();
        }
        finally
        {
            await watchEnd.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }

        if (outcome is AttemptOutcome.Succeeded or AttemptOutcome.Cancelled) workspace.Delete();
        metrics.AttemptEnded(attempt.Kind, outcome, Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    private async Task<AttemptOutcome> ExecuteAsync(IRunGrain run, TaskAssignment attempt, int slot, string silo, AttemptWorkspace workspace,
        CancellationToken drain, CancellationTokenSource running)
    {
        var cancellationToken = running.Token;
        var kind = Enum.Parse<TaskKind>(attempt.Kind, ignoreCase: true);
        // Checked against the limits of the silo that accepted it; another silo's (lower) limits must not fail a stored run.
        var spec = RunSpecReader.Parse(attempt.SpecJson, "json", $"run {attempt.RunId}", SpecLimits.Unlimited);
        var runSettings = RunSettingsTranslator.Translate(spec, attempt.RunId);
        // A run asks for "cuda"; which GPU is the silo's business: one slot per device.
        runSettings = runSettings with { Device = TorchRuntime.ForSlot(runSettings.Device, slot) };
        var resumed = workspace.Prepare(attempt.Inputs, blobs);
        var start = $"{attempt.TaskId} attempt {attempt.Attempt} (fence {attempt.Fence}) starts on {silo}, slot {slot}" +
            (resumed.Count == 0 ? "" : $" from {string.Join(", ", resumed)}");
        logger.LogInformation("{Run}/{Start}", attempt.RunId, start);
        if (!await GrainRetry.RunAsync(() => run.AttemptStarted(attempt.TaskId, attempt.Fence, start), options.CallRetryWindow, cancellationToken)
                .ConfigureAwait(false))
        {
            await running.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        TaskResult result;
        await using (var progress = new AttemptProgressSink(run, attempt, drain, running, logger, metrics))
        {
            var context = new RunContext(runSettings, workspace.Layout, progress, data.For(attempt.RunId, runSettings));
            var task = new PlannedTask(attempt.TaskId, kind, attempt.Index, []);
            var work = TaskCatalog.For(kind);
            result = await Task.Factory.StartNew(() => work.Execute(task, context, cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.WriteJson(workspace.Layout.Result(attempt.TaskId), result);
        var artifacts = new List<ArtifactRecord>();
        foreach (var (name, path) in workspace.Outputs())
        {
            artifacts.Add(await blobs.StoreBlobAsync(attempt.RunId, attempt.TaskId, name, path, cancellationToken).ConfigureAwait(false));
        }

        var completion = new TaskCompletion(JsonSerializer.Serialize(result, AttemptJson.Options), artifacts);
        if (await GrainRetry.RunAsync(() => run.Complete(attempt.TaskId, attempt.Fence, completion), options.CallRetryWindow, cancellationToken)
                .ConfigureAwait(false))
        {
            logger.LogInformation("{Run}/{Task} succeeded in {Seconds:F1} s ({Artifacts} artifacts)", attempt.RunId, attempt.TaskId, result.Seconds, artifacts.Count);
            return AttemptOutcome.Succeeded;
        }

        logger.LogWarning("{Run}/{Task}: completion refused (fence {Fence} is not current); its outputs are discarded", attempt.RunId, attempt.TaskId,
            attempt.Fence);
        return AttemptOutcome.Superseded;
    }

    /// <summary>
    /// Asks the run, every <see cref="TaskExecutionOptions.FenceCheckInterval"/>, whether the attempt is still
    /// current, and stops it when it is not (cancelled, or replaced after its silo was declared dead). A run grain
    /// that cannot be reached does not stop it: its next fenced write decides.
    /// </summary>
    private async Task WatchFenceAsync(IRunGrain run, TaskAssignment attempt, CancellationTokenSource running, CancellationToken end)
    {
        while (!end.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.FenceCheckInterval, end).ConfigureAwait(false);
                if (await run.CheckAttempt(attempt.TaskId, attempt.Fence).ConfigureAwait(false) != AttemptStatus.Current)
                {
                    await running.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (OperationCanceledException) when (end.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("{Run}/{Task}: could not check the attempt ({Error}); it goes on", attempt.RunId, attempt.TaskId, e.Message);
            }
        }
    }

    private async Task<AttemptStatus> StatusAsync(IRunGrain run, TaskAssignment attempt)
    {
        try
        {
            return await run.CheckAttempt(attempt.TaskId, attempt.Fence).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return AttemptStatus.Superseded;
        }
    }

    private async Task<AttemptOutcome> HandBackAsync(IRunGrain run, TaskAssignment attempt)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var released = await GrainRetry.RunAsync(() => run.Release(attempt.TaskId, attempt.Fence, "silo shutting down"), options.CallRetryWindow,
                timeout.Token).ConfigureAwait(false);
            logger.LogInformation("{Run}/{Task}: {What}", attempt.RunId, attempt.TaskId, released ? "handed back" : "was no longer current");
        }
        catch (Exception e)
        {
            logger.LogWarning("{Run}/{Task}: could not hand the task back ({Error}); it is placed again when this silo leaves the cluster",
                attempt.RunId, attempt.TaskId, e.Message);
        }

        return AttemptOutcome.Released;
    }

    private static string Describe(Exception e) => e is AggregateException { InnerException: { } inner } ? Describe(inner) : $"{e.GetType().Name}: {e.Message}";
}
