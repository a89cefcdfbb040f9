using System.Diagnostics.Metrics;
using System.Text.Json;
using Ensemble.Contracts.Reports;
using Ensemble.Grains.Artifacts;
using Ensemble.Silo.Artifacts;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Metrics;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ensemble.Silo.Tests.Execution;

/// <summary>A silo in this process runs a whole small run through the store: every task claimed, its outputs published as blobs, the run succeeded.</summary>
public sealed class SiloRunTests : IAsyncLifetime
{
    private const string Spec = """
        name: silo-inproc
        seed: 3
        data:
          dataset: synthetic
          validation_fraction: 0.2
          synthetic: {train_per_class: 200, test_per_class: 60}
        teachers:
          count: 3
          min: 2
          model: {kind: mlp, hidden: [48]}
          training: {epochs: 6, batch_size: 64}
        specialists:
          count: 1
          max_size: 3
          training: {epochs: 3, batch_size: 64}
        distillation:
          student: {kind: mlp, hidden: [16]}
          training: {epochs: 30, batch_size: 32}
          targets: online
          transfer: {fraction: 0.06, augmentation: none, mixup: 0.4}
          compress: {quantize: {calibration_examples: 64}}
        baseline: true
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-silo-run-").FullName;
    // The silos' meters: nothing listens, nothing serves them.
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private ITaskStore _store = null!;
    private ArtifactStore _artifacts = null!;

    public async Task InitializeAsync()
    {
        _store = TaskStoreFactory.Open($"sqlite:{Path.Combine(_directory, "store.db")}");
        await _store.MigrateAsync(CancellationToken.None);
        _artifacts = new ArtifactStore(Path.Combine(_directory, "artifacts"), _store);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _meters.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private SiloService Silo(string id, double leaseSeconds = 10)
    {
        var options = new SiloOptions
        {
            Store = "unused",
            Artifacts = _artifacts.Root,
            SiloId = id,
            Threads = 2,
            LeaseDuration = TimeSpan.FromSeconds(leaseSeconds),
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        return new SiloService(_store, _artifacts, options, NullLogger<SiloService>.Instance,
            new SiloMetrics(_meters.GetRequiredService<IMeterFactory>(), id, options.Slots));
    }

    private async Task<RunRecord> RunToEndAsync(SiloService silo, string runId)
    {
        await silo.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (DateTime.UtcNow < deadline)
            {
                var run = (await _store.GetRunAsync(runId, CancellationToken.None))!;
                if (run.State is RunState.Succeeded or RunState.Failed or RunState.Cancelled) return run;
                await Task.Delay(100);
            }

            throw new TimeoutException("the run did not finish in 3 minutes");
        }
        finally
        {
            await silo.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task EveryTaskRunsThroughTheStore_OutputsArePublishedAsBlobs_AndTheReportReadsThem()
    {
        var run = await new RunSubmitter(_store).SubmitAsync(Spec, "yaml", CancellationToken.None);

        var finished = await RunToEndAsync(Silo("inproc"), run.RunId);

        Assert.Equal(RunState.Succeeded, finished.State);
        var tasks = await _store.GetTasksAsync(run.RunId, CancellationToken.None);
        Assert.All(tasks, t => Assert.Equal((TaskState.Succeeded, 1), (t.State, t.Attempt)));
        var artifacts = (await _store.ListArtifactsAsync(run.RunId, CancellationToken.None)).ToDictionary(a => a.Name);
        Assert.Contains("student.safetensors", artifacts.Keys);
        Assert.Contains("student.onnx", artifacts.Keys);
        // The online targets were computed from the teachers' and the specialist's linked weights; their per-epoch cache stays in the workspace.
        Assert.DoesNotContain(artifacts.Keys, name => name.Contains("targets-epoch", StringComparison.Ordinal));
        Assert.Contains("tasks/teacher-2/outputs.safetensors", artifacts.Keys);
        Assert.DoesNotContain(artifacts.Keys, name => name.Contains("checkpoints", StringComparison.Ordinal));
        await using (var report = _artifacts.OpenRead(artifacts["report.json"]))
        {
            var parsed = JsonSerializer.Deserialize<RunReport>(report, AtomicFile.Json)!;
            Assert.Equal(["teacher/0", "teacher/1", "teacher/2"], parsed.Models.Select(m => m.Name).Where(n => n.StartsWith("teacher/", StringComparison.Ordinal)));
            Assert.True(parsed.Models.Single(m => m.Name == "student").Accuracy > 0.5, string.Join(", ", parsed.Models.Select(m => $"{m.Name} {m.Accuracy:P1}")));
            // The compress task read the student through its workspace's link to the blob: the size is the file's, not the link's.
            Assert.Equal(artifacts["student.onnx"].Size, parsed.Models.Single(m => m.Name == parsed.ExportedStudent).Bytes);
            Assert.Equal(artifacts["student-int8.onnx"].Size, parsed.Models.Single(m => m.Name == "student-int8").Bytes);
        }

        // Every attempt's workspace is gone once its task succeeded; only blobs remain.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_artifacts.Root, "work"), "*", SearchOption.AllDirectories));
        var events = await _store.ReadEventsAsync(run.RunId, 0, 10_000, CancellationToken.None);
        Assert.Equal(tasks.Count, events.Count(e => e.Kind == "task-started"));
        Assert.Contains(events, e => e.Kind == "task-progress" && e.TaskId == "teacher/1" && e.DataJson!.Contains("\"epoch\":6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancellingARun_StopsItsRunningTaskAtTheNextRenewal_AndFreesTheSlot()
    {
        var spec = Spec.Replace("count: 3\n  min: 2", "count: 1").Replace("training: {epochs: 6, batch_size: 64}", "training: {epochs: 500, batch_size: 64}");
        var run = await new RunSubmitter(_store).SubmitAsync(spec, "yaml", CancellationToken.None);
        var silo = Silo("inproc", leaseSeconds: 1.5);
        await silo.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(async () => (await _store.GetTasksAsync(run.RunId, CancellationToken.None)).Single(t => t.TaskId == "teacher/0").ProgressJson is not null);
            Assert.Contains(silo.Running, c => c.Lease.TaskId == "teacher/0");

            await _store.CancelRunAsync(run.RunId, CancellationToken.None);
            var cancelled = DateTime.UtcNow;
            await WaitForAsync(() => Task.FromResult(silo.Running.Count == 0));

            // Renewed every 0.5 s: the attempt learns of the cancel at its next renewal, then stops within an epoch's batch.
            Assert.True((DateTime.UtcNow - cancelled).TotalSeconds < 3, $"stopped {(DateTime.UtcNow - cancelled).TotalSeconds:F1} s after the cancel");
            var tasks = await _store.GetTasksAsync(run.RunId, CancellationToken.None);
            Assert.All(tasks, t => Assert.Equal(TaskState.Cancelled, t.State));
            Assert.Empty(await _store.ListArtifactsAsync(run.RunId, CancellationToken.None));
            Assert.False(Directory.Exists(Path.Combine(_artifacts.Root, "work", run.RunId, "teacher-0")));
        }
        finally
        {
            await silo.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ATaskThatFailsEveryAttempt_IsRetriedThenFailsTheRun_WithItsErrorRecorded()
    {
        var missing = Path.Combine(_directory, "no-such-dataset");
        var spec = Spec.Replace("dataset: synthetic", $"dataset: {missing}").Replace("count: 3\n  min: 2", "count: 1");
        var run = await new RunSubmitter(_store, maxAttempts: 2).SubmitAsync(spec, "yaml", CancellationToken.None);

        var finished = await RunToEndAsync(Silo("inproc"), run.RunId);

        Assert.Equal(RunState.Failed, finished.State);
        var tasks = await _store.GetTasksAsync(run.RunId, CancellationToken.None);
        var failed = Assert.Single(tasks, t => t.State == TaskState.Failed);
        Assert.Equal(2, failed.Attempt);
        Assert.Contains(missing, failed.Error);
        Assert.Contains(failed.TaskId, finished.Error);
        Assert.All(tasks.Where(t => t != failed), t => Assert.Equal(TaskState.Cancelled, t.State));
        var events = await _store.ReadEventsAsync(run.RunId, 0, 1000, CancellationToken.None);
        Assert.Single(events, e => e.Kind == "task-retry" && e.TaskId == failed.TaskId);
        Assert.False(Directory.Exists(Path.Combine(_artifacts.Root, "work", run.RunId, failed.TaskId.Replace('/', '-'))));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in 60 s");
            await Task.Delay(50);
        }
    }
}
