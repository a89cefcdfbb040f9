using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ensemble.Cluster.Tests;

/// <summary>
/// The issue's fault tests, with real silo processes over real stores: two silos sharing PostgreSQL, kill -9
/// mid-training, SIGTERM, PostgreSQL restarted mid-run, and a silo restarted on its SQLite file.
/// </summary>
public sealed partial class FaultToleranceTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-cluster-").FullName;
    private readonly List<SiloProcess> _silos = [];

    private string Artifacts => Path.Combine(_directory, "artifacts");

    public void Dispose()
    {
        foreach (var silo in _silos) silo.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<SiloProcess> StartSiloAsync(string id, string store, double leaseSeconds, params string[] extra)
    {
        var silo = await SiloProcess.StartAsync(id, store, Artifacts, leaseSeconds, extra);
        _silos.Add(silo);
        return silo;
    }

    [Fact]
    public async Task TwoSilosSharingPostgres_CompleteOneRun_WithTasksExecutedOnBoth()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var a = await StartSiloAsync("silo-a", postgres.ConnectionString, 10);
        var b = await StartSiloAsync("silo-b", postgres.ConnectionString, 10);
        using var api = new RunWatcher(a.Url);

        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 4, epochs: 6));
        var run = await api.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing");

        Assert.Equal("succeeded", RunWatcher.State(run));
        var ranOnA = StartedTasks(a.Output, runId);
        var ranOnB = StartedTasks(b.Output, runId);
        Assert.NotEmpty(ranOnA);
        Assert.NotEmpty(ranOnB);
        Assert.Empty(ranOnA.Intersect(ranOnB));
        Assert.Equal(["aggregate", "baseline", "distill", "report", "teacher/0", "teacher/1", "teacher/2", "teacher/3"],
            ranOnA.Concat(ranOnB).Order(StringComparer.Ordinal));
        var artifacts = await new HttpClient { BaseAddress = b.Url }.GetStringAsync($"/api/v1/runs/{runId}/artifacts");
        Assert.Contains("\"student.safetensors\"", artifacts);
    }

    [Fact]
    public async Task KilledSilo_ItsTeacherIsReclaimedAfterTheLeaseLapses_AndResumesFromItsCheckpoint()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var a = await StartSiloAsync("silo-a", postgres.ConnectionString, 3);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 3, RunTimeout, "teacher/0 reaching epoch 3");
        var epochAtKill = RunWatcher.Epoch(RunWatcher.TaskOf(before, "teacher/0"));

        a.Kill();
        var b = await StartSiloAsync("silo-b", postgres.ConnectionString, 3);
        using var apiB = new RunWatcher(b.Url);
        var run = await apiB.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing on silo-b");

        Assert.Equal("succeeded", RunWatcher.State(run));
        var teacher = RunWatcher.TaskOf(run, "teacher/0");
        Assert.Equal(2, teacher.GetProperty("attempt").GetInt32());
        var events = await apiB.EventsAsync(runId);
        Assert.Contains(events, e => Kind(e) == "lease-expired" && TaskOf(e) == "teacher/0");
        var resumedAt = FirstEpochOfAttempt(events, "teacher/0", attempt: 2);
        Assert.True(resumedAt > epochAtKill, $"attempt 2 started at epoch {resumedAt}; silo-a had finished epoch {epochAtKill} (checkpointed) before it was killed");
        Assert.Matches(@"teacher/0 attempt 2 \(fence \d+\) starts on [a-z-]+ from checkpoints/epoch-\d{4}\.safetensors", b.Output);
    }

    [Fact]
    public async Task SigTerm_SiloCheckpointsReleasesItsLeaseAndExits_TaskIsReclaimedWithinSeconds()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        // A 120 s lease: a reclaim within seconds can only come from the release, not from the lease lapsing.
        var a = await StartSiloAsync("silo-a", postgres.ConnectionString, 120);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 2, RunTimeout, "teacher/0 reaching epoch 2");
        var b = await StartSiloAsync("silo-b", postgres.ConnectionString, 120);
        using var apiB = new RunWatcher(b.Url);

        var terminatedAt = DateTime.UtcNow;
        a.Terminate();
        Assert.True(await a.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"silo-a did not exit after SIGTERM:\n{a.Output}");
        Assert.Equal(0, a.ExitCode);
        Assert.Contains("lease released", a.Output);
        var reclaimed = await apiB.WaitAsync(runId, r => RunWatcher.TaskOf(r, "teacher/0").GetProperty("lease_owner").GetString() == "silo-b",
            TimeSpan.FromSeconds(30), "silo-b taking teacher/0");
        var seconds = (DateTime.UtcNow - terminatedAt).TotalSeconds;
        Assert.True(seconds < 20, $"reclaimed {seconds:F1} s after SIGTERM");
        // A graceful hand-back does not use up an attempt.
        Assert.Equal(1, RunWatcher.TaskOf(reclaimed, "teacher/0").GetProperty("attempt").GetInt32());

        var run = await apiB.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing on silo-b");
        Assert.Equal("succeeded", RunWatcher.State(run));
        // It stopped right after a checkpointed epoch, and silo-b went on from the next one.
        var events = await apiB.EventsAsync(runId);
        var released = events.ToList().FindIndex(e => Kind(e) == "task-released" && TaskOf(e) == "teacher/0");
        Assert.True(released > 0, string.Join(", ", events.Select(Kind)));
        var lastBefore = events.Take(released).Where(e => Kind(e) == "task-progress" && TaskOf(e) == "teacher/0").Max(EpochOf);
        var firstAfter = events.Skip(released).Where(e => Kind(e) == "task-progress" && TaskOf(e) == "teacher/0").Select(EpochOf).First(e => e > 0);
        Assert.Equal(lastBefore + 1, firstAfter);
        Assert.Contains($"stops after epoch {lastBefore} (checkpointed)", a.Output);
    }

    [Fact]
    public async Task PostgresRestartedMidRun_SilosReconnect_AndTheRunSucceeds()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var a = await StartSiloAsync("silo-a", postgres.ConnectionString, 10);
        var b = await StartSiloAsync("silo-b", postgres.ConnectionString, 10);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 2, epochs: 20));
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 2, RunTimeout, "teacher/0 reaching epoch 2");

        TestPostgres.Restart();

        Assert.Equal("running", RunWatcher.State(before));
        Assert.Equal("running", RunWatcher.TaskOf(before, "teacher/1").GetProperty("state").GetString());

        var run = await api.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing after the restart");
        Assert.Equal("succeeded", RunWatcher.State(run));
        Assert.False(a.HasExited, a.Output);
        Assert.False(b.HasExited, b.Output);
    }

    [Fact]
    public async Task SiloRestartedOnTheSameSqliteFile_ResumesItsUnfinishedRun()
    {
        var store = $"sqlite:{Path.Combine(_directory, "store.db")}";
        var first = await StartSiloAsync("embedded", store, 30);
        using var api = new RunWatcher(first.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 3, RunTimeout, "teacher/0 reaching epoch 3");
        first.Kill();

        // Same id: it takes back its own task at once instead of waiting 30 s for the lease to lapse.
        var second = await StartSiloAsync("embedded", store, 30);
        using var api2 = new RunWatcher(second.Url);
        var run = await api2.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing after the restart");

        Assert.Equal("succeeded", RunWatcher.State(run));
        Assert.Contains("Took back 1 task(s)", second.Output);
        Assert.Equal(2, RunWatcher.TaskOf(run, "teacher/0").GetProperty("attempt").GetInt32());
        Assert.Matches(@"teacher/0 attempt 2 \(fence \d+\) starts on [a-z-]+ from checkpoints/epoch-\d{4}\.safetensors", second.Output);
        Assert.True(FirstEpochOfAttempt(await api2.EventsAsync(runId), "teacher/0", attempt: 2) > 3);
    }

    /// <summary>The tasks of <paramref name="runId"/> a silo started, from its log.</summary>
    private static List<string> StartedTasks(string output, string runId) =>
        [.. AttemptLine().Matches(output).Where(m => m.Groups["run"].Value == runId).Select(m => m.Groups["task"].Value).Distinct()];

    [GeneratedRegex(@"(?<run>[a-z0-9-]+)/(?<task>[a-z]+(/\d+)?) attempt \d+ \(fence \d+\) starts on")]
    private static partial Regex AttemptLine();

    private static string Kind(JsonElement e) => e.GetProperty("kind").GetString()!;

    private static string? TaskOf(JsonElement e) => e.GetProperty("task_id").GetString();

    private static int EpochOf(JsonElement e)
    {
        if (!e.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) return 0;
        return data.TryGetProperty("epoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number ? epoch.GetInt32() : 0;
    }

    /// <summary>The first epoch <paramref name="taskId"/> reported after its <paramref name="attempt"/>-th claim.</summary>
    private static int FirstEpochOfAttempt(IReadOnlyList<JsonElement> events, string taskId, int attempt)
    {
        var claims = 0;
        foreach (var e in events.Where(e => TaskOf(e) == taskId))
        {
            if (Kind(e) == "task-claimed") claims++;
            else if (claims == attempt && Kind(e) == "task-progress" && EpochOf(e) > 0) return EpochOf(e);
        }

        throw new InvalidOperationException($"no progress of {taskId} in attempt {attempt}: {string.Join(", ", events.Select(Kind))}");
    }
}
