using System.Text.Json;
using Ensemble.Contracts.Reports;
using Ensemble.Contracts.Runs;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Placement;
using Ensemble.Grains.Runs;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ensemble.Silo.Tests.Execution;

/// <summary>
/// A real silo in this process (<see cref="TestSilo"/>, real training) runs a whole small run through its grains:
/// every task placed on a slot, its outputs published as blobs, the run succeeded.
/// </summary>
public sealed class SiloRunTests
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

    private static Task<TestSilo> StartAsync(int slots = 1) => TestSilo.StartAsync(slots, configure: o => o with { Threads = 2 });

    private static ArtifactStore Blobs(TestSilo silo) => silo.Services.GetRequiredService<ArtifactStore>();

    private static async Task<RunSnapshot> RunToEndAsync(TestSilo silo, string runId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var run = (await silo.Runs.GetAsync(runId, CancellationToken.None))!;
            if (StateNames.IsTerminal(run.Run.State)) return run;
            await Task.Delay(100);
        }

        throw new TimeoutException("the run did not finish in 3 minutes");
    }

    [Fact]
    public async Task EveryTaskRunsOnTheSilosSlots_OutputsArePublishedAsBlobs_AndTheReportReadsThem()
    {
        // Two slots: independent tasks (the teachers, the baseline) train side by side, as on a silo with two GPUs.
        await using var silo = await StartAsync(slots: 2);
        var run = await new RunSubmitter(silo.Grains).SubmitAsync(Spec, "yaml", CancellationToken.None);

        var finished = await RunToEndAsync(silo, run.Run.RunId);

        Assert.Equal(RunState.Succeeded, finished.Run.State);
        var tasks = finished.Tasks;
        Assert.All(tasks, t => Assert.Equal((TaskState.Succeeded, 1), (t.State, t.Attempt)));
        var artifacts = (await silo.Runs.ListArtifactsAsync(run.Run.RunId, CancellationToken.None)).ToDictionary(a => a.Name);
        Assert.Contains("student.safetensors", artifacts.Keys);
        Assert.Contains("student.onnx", artifacts.Keys);
        // The online targets were computed from the teachers' and the specialist's linked weights; their per-epoch cache stays in the workspace.
        Assert.DoesNotContain(artifacts.Keys, name => name.Contains("targets-epoch", StringComparison.Ordinal));
        Assert.Contains("tasks/teacher-2/outputs.safetensors", artifacts.Keys);
        Assert.DoesNotContain(artifacts.Keys, name => name.Contains("checkpoints", StringComparison.Ordinal));
        var blobs = Blobs(silo);
        await using (var report = blobs.OpenRead(artifacts["report.json"]))
        {
            var parsed = JsonSerializer.Deserialize<RunReport>(report, AtomicFile.Json)!;
            Assert.Equal(["teacher/0", "teacher/1", "teacher/2"], parsed.Models.Select(m => m.Name).Where(n => n.StartsWith("teacher/", StringComparison.Ordinal)));
            Assert.True(parsed.Models.Single(m => m.Name == "student").Accuracy > 0.5, string.Join(", ", parsed.Models.Select(m => $"{m.Name} {m.Accuracy:P1}")));
            // The compress task read the student through its workspace's link to the blob: the size is the file's, not the link's.
            Assert.Equal(artifacts["student.onnx"].Size, parsed.Models.Single(m => m.Name == parsed.ExportedStudent).Bytes);
            Assert.Equal(artifacts["student-int8.onnx"].Size, parsed.Models.Single(m => m.Name == "student-int8").Bytes);
        }

        // Every slot is free again once each attempt is over (the last one tidies up after its run has succeeded), and
        // every attempt's workspace is gone: only blobs remain.
        await WaitForAsync(async () => (await silo.Grains.GetGrain<ISlotRegistryGrain>(0).List()).Count == 0);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(blobs.Root, "work"), "*", SearchOption.AllDirectories));
        var events = await silo.Runs.ReadEventsAsync(run.Run.RunId, 0, 10_000, CancellationToken.None);
        Assert.Equal(tasks.Count, events.Count(e => e.Kind == EventKinds.TaskPlaced));
        Assert.Equal(tasks.Count, events.Count(e => e.Kind == EventKinds.TaskStarted));
        Assert.Contains(events, e => e.Kind == EventKinds.TaskProgress && e.TaskId == "teacher/1" && e.DataJson!.Contains("\"epoch\":6", StringComparison.Ordinal));
        Assert.Equal(EventKinds.RunSucceeded, events[^1].Kind);
    }

    [Fact]
    public async Task CancellingARun_StopsItsRunningTaskAtOnce_AndFreesTheSlot()
    {
        var spec = Spec.Replace("count: 3\n  min: 2", "count: 1").Replace("training: {epochs: 6, batch_size: 64}", "training: {epochs: 500, batch_size: 64}");
        await using var silo = await StartAsync();
        var run = await new RunSubmitter(silo.Grains).SubmitAsync(spec, "yaml", CancellationToken.None);
        var runId = run.Run.RunId;
        var slots = silo.Grains.GetGrain<ISlotRegistryGrain>(0);

        await WaitForAsync(async () => (await silo.Runs.GetAsync(runId, CancellationToken.None))!.Tasks.Single(t => t.TaskId == "teacher/0").ProgressJson is not null);
        Assert.Contains((await silo.Runs.ListSilosAsync(CancellationToken.None)).Single().RunningTasks, t => t == $"{runId}:teacher/0");

        await silo.Runs.CancelAsync(runId, CancellationToken.None);
        var cancelled = DateTime.UtcNow;
        await WaitForAsync(async () => (await slots.List()).Count == 0);

        // The run grain stops the attempt when it cancels; it stops within an epoch's batch, and its grain frees the slot.
        Assert.True((DateTime.UtcNow - cancelled).TotalSeconds < 3, $"stopped {(DateTime.UtcNow - cancelled).TotalSeconds:F1} s after the cancel");
        var tasks = (await silo.Runs.GetAsync(runId, CancellationToken.None))!.Tasks;
        Assert.All(tasks, t => Assert.Equal(TaskState.Cancelled, t.State));
        Assert.Empty(await silo.Runs.ListArtifactsAsync(runId, CancellationToken.None));
        await WaitForAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(Blobs(silo).Root, "work", runId, "teacher-0"))));
        Assert.Empty((await silo.Runs.ListSilosAsync(CancellationToken.None)).Single().RunningTasks);
    }

    [Fact]
    public async Task ATaskThatFailsEveryAttempt_IsRetriedThenFailsTheRun_WithItsErrorRecorded()
    {
        await using var silo = await StartAsync();
        var missing = Path.Combine(silo.Directory, "no-such-dataset");
        var spec = Spec.Replace("dataset: synthetic", $"dataset: {missing}").Replace("count: 3\n  min: 2", "count: 1");
        var run = await new RunSubmitter(silo.Grains, maxAttempts: 2).SubmitAsync(spec, "yaml", CancellationToken.None);

        var finished = await RunToEndAsync(silo, run.Run.RunId);

        Assert.Equal(RunState.Failed, finished.Run.State);
        var tasks = finished.Tasks;
        var failed = Assert.Single(tasks, t => t.State == TaskState.Failed);
        Assert.Equal(2, failed.Attempt);
        Assert.Contains(missing, failed.Error);
        Assert.Contains(failed.TaskId, finished.Run.Error);
        Assert.All(tasks.Where(t => t != failed), t => Assert.Equal(TaskState.Cancelled, t.State));
        var events = await silo.Runs.ReadEventsAsync(run.Run.RunId, 0, 1000, CancellationToken.None);
        Assert.Single(events, e => e.Kind == EventKinds.TaskRetry && e.TaskId == failed.TaskId);
        await WaitForAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(Blobs(silo).Root, "work", run.Run.RunId, failed.TaskId.Replace('/', '-')))));
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
