using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ensemble.Tests.Tls;
using Xunit.Abstractions;

namespace Ensemble.Cluster.Tests;

/// <summary>
/// The issue's fault tests, with real <c>ensemble silo</c> processes forming an Orleans cluster on Debian's
/// PostgreSQL: two silos sharing a run, kill -9 and SIGSTOP of the silo training a teacher, SIGTERM, PostgreSQL
/// restarted mid-run, one slot per silo, cancel, and a silo restarted on its SQLite file.
/// </summary>
public sealed partial class FaultToleranceTests(ITestOutputHelper output) : IDisposable
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

    private async Task<SiloProcess> StartSiloAsync(string id, string store, params string[] extra)
    {
        var silo = await SiloProcess.StartAsync(id, store, Artifacts, extra);
        _silos.Add(silo);
        return silo;
    }

    private async Task<(SiloProcess A, SiloProcess B)> StartTwoSilosAsync(string store, params string[] extra)
    {
        var a = await StartSiloAsync("silo-a", store, extra);
        var b = await StartSiloAsync("silo-b", store, extra);
        using var api = new RunWatcher(a.Url);
        await api.WaitForSilosAsync(2, TimeSpan.FromSeconds(30));
        return (a, b);
    }

    [Fact]
    public async Task TwoSilosSharingPostgres_CompleteOneRun_WithTeachersExecutedOnBoth()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var (a, b) = await StartTwoSilosAsync(postgres.ConnectionString);
        using var api = new RunWatcher(a.Url);

        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 4, epochs: 6));
        var run = await api.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing");

        Assert.Equal("succeeded", RunWatcher.State(run));
        var ranOnA = StartedTasks(a.Output, runId);
        var ranOnB = StartedTasks(b.Output, runId);
        Assert.Contains(ranOnA, t => t.StartsWith("teacher/", StringComparison.Ordinal));
        Assert.Contains(ranOnB, t => t.StartsWith("teacher/", StringComparison.Ordinal));
        Assert.Empty(ranOnA.Intersect(ranOnB));
        Assert.Equal(["aggregate", "baseline", "distill", "report", "teacher/0", "teacher/1", "teacher/2", "teacher/3"],
            ranOnA.Concat(ranOnB).Order(StringComparer.Ordinal));
        var artifacts = await new HttpClient { BaseAddress = b.Url }.GetStringAsync($"/api/v1/runs/{runId}/artifacts");
        Assert.Contains("\"student.safetensors\"", artifacts);
    }

    [Fact]
    public async Task KilledSilo_TheSurvivorResumesItsTeacherFromItsLastCheckpoint_AndTheRunSucceeds()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var (a, b) = await StartTwoSilosAsync(postgres.ConnectionString);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 3, RunTimeout, "teacher/0 reaching epoch 3");
        var (victim, survivor) = Silo(before, "teacher/0") == "silo-a" ? (a, b) : (b, a);
        var epochAtKill = RunWatcher.Epoch(RunWatcher.TaskOf(before, "teacher/0"));

        var clock = Stopwatch.StartNew();
        victim.Kill();
        using var apiSurvivor = new RunWatcher(survivor.Url);
        await apiSurvivor.WaitAsync(runId, r => RunWatcher.TaskOf(r, "teacher/0") is var t && Attempt(t) == 2 && RunWatcher.Epoch(t) > epochAtKill,
            TimeSpan.FromSeconds(60), "teacher/0 training again on the survivor");
        output.WriteLine($"kill -9 of {victim.Id} → teacher/0 training again on {survivor.Id}: {clock.Elapsed.TotalSeconds:F1} s " +
            "(to its first epoch report after the resume)");
        var run = await apiSurvivor.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing on the survivor");

        Assert.Equal("succeeded", RunWatcher.State(run));
        Assert.Equal(2, Attempt(RunWatcher.TaskOf(run, "teacher/0")));
        var events = await apiSurvivor.EventsAsync(runId);
        Assert.Contains(events, e => Kind(e) == "task-lost" && TaskOf(e) == "teacher/0");
        var resumedAt = FirstEpochOfAttempt(events, "teacher/0", attempt: 2);
        Assert.True(resumedAt > epochAtKill, $"attempt 2 started at epoch {resumedAt}; {victim.Id} had finished epoch {epochAtKill} (checkpointed) before it was killed");
        Assert.Matches(@"teacher/0 attempt 2 \(fence \d+\) starts on [a-z-]+, slot 0 from checkpoints/epoch-\d{4}\.safetensors", survivor.Output);
    }

    [Fact]
    public async Task ClientFollowingThroughTheMembershipTable_OverTls_SeesTheRunToItsEnd_WhenTheSiloTrainingItsTeacherIsKilled()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        // Every Orleans connection over TLS: silo to silo mutually (membership probes, grain calls, the failover), the CLI to the gateways.
        var tls = TestCertificates.Create(Path.Combine(_directory, "tls"));
        var (a, b) = await StartTwoSilosAsync(postgres.ConnectionString, "--tls-certificate", tls.Certificate, "--tls-key", tls.Key, "--tls-ca", tls.Authority);
        var spec = Path.Combine(_directory, "teacher.yaml");
        await File.WriteAllTextAsync(spec, ClusterSpecs.Teachers(teachers: 1, epochs: 20));
        // The CLI as the Kubernetes submit Job runs it: an Orleans client that finds the gateways in PostgreSQL.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { SiloProcess.CliPath(), "submit", spec, "--wait", "--json" }) start.ArgumentList.Add(argument);
        start.Environment["ENSEMBLE_CLUSTER"] = postgres.ConnectionString;
        start.Environment["ENSEMBLE_CLUSTER_CA"] = tls.Authority;
        using var client = Process.Start(start)!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();

        using var api = new RunWatcher(a.Url);
        var runId = await WaitForOnlyRunAsync(api);
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 2, RunTimeout, "teacher/0 reaching epoch 2");
        (Silo(before, "teacher/0") == "silo-a" ? a : b).Kill();

        var exited = await Task.Run(() => client.WaitForExit(RunTimeout));
        if (!exited) client.Kill(entireProcessTree: true);
        Assert.True(exited && client.ExitCode == 0, $"ensemble submit --wait: exited {exited}, code {(exited ? client.ExitCode : -1)}\n{await stderr}\n{await stdout}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(lines, e => e.TryGetProperty("kind", out var k) && k.GetString() == "task-lost");
        Assert.Contains(lines, e => e.TryGetProperty("kind", out var k) && k.GetString() == "run-succeeded");
        Assert.Equal("succeeded", lines[^1].GetProperty("state").GetString());
    }

    /// <summary>Awaits <paramref name="wait"/>; a timeout carries what <paramref name="silo"/> printed, so a stuck run can be read.</summary>
    private static async Task<T> WithOutputAsync<T>(SiloProcess silo, Task<T> wait)
    {
        try
        {
            return await wait;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- {silo.Id} printed:\n{silo.Output}", e);
        }
    }

    private static async Task<string> WaitForOnlyRunAsync(RunWatcher api)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await api.ListAsync() is [var only]) return only.GetProperty("id").GetString()!;
            await Task.Delay(200);
        }

        throw new TimeoutException("the CLI's run did not appear within 60 s");
    }

    [Fact]
    public async Task FrozenSilo_IsDeclaredDead_ItsTeacherResumesOnTheSurvivor_AndWhatItWritesWhenThawedIsRefused()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var (a, b) = await StartTwoSilosAsync(postgres.ConnectionString);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 2, RunTimeout, "teacher/0 reaching epoch 2");
        var (frozen, survivor) = Silo(before, "teacher/0") == "silo-a" ? (a, b) : (b, a);

        var clock = Stopwatch.StartNew();
        frozen.Freeze();
        using var apiSurvivor = new RunWatcher(survivor.Url);
        await apiSurvivor.WaitAsync(runId, r => RunWatcher.TaskOf(r, "teacher/0") is var t && Attempt(t) == 2 && RunWatcher.Epoch(t) > 0,
            TimeSpan.FromSeconds(90), "teacher/0 training again on the survivor");
        output.WriteLine($"SIGSTOP of {frozen.Id} → teacher/0 training again on {survivor.Id}: {clock.Elapsed.TotalSeconds:F1} s");

        frozen.Thaw();
        // Told it was declared dead, Orleans stops the silo process.
        Assert.True(await frozen.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"{frozen.Id} went on after it was declared dead:\n{frozen.Output}");
        var run = await apiSurvivor.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing on the survivor");

        Assert.Equal("succeeded", RunWatcher.State(run));
        var events = await apiSurvivor.EventsAsync(runId);
        // One completion, by the survivor's attempt: nothing the frozen attempt wrote after its silo was declared dead counts.
        var teacherEvents = events.Where(e => TaskOf(e) == "teacher/0").ToList();
        Assert.Single(teacherEvents, e => Kind(e) == "task-succeeded");
        var placedAgain = teacherEvents.FindLastIndex(e => Kind(e) == "task-placed");
        Assert.Contains($"on silo {survivor.Id}", Message(teacherEvents[placedAgain]));
        Assert.True(teacherEvents.FindIndex(e => Kind(e) == "task-succeeded") > placedAgain);
        Assert.Equal(2, Attempt(RunWatcher.TaskOf(run, "teacher/0")));
    }

    [Fact]
    public async Task SigTerm_SiloDrainsAndExits0_ItsTaskContinuesOnTheOtherWithinSeconds_WithoutCostingAnAttempt()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var (a, b) = await StartTwoSilosAsync(postgres.ConnectionString);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 2, RunTimeout, "teacher/0 reaching epoch 2");
        var (draining, other) = Silo(before, "teacher/0") == "silo-a" ? (a, b) : (b, a);
        using var apiOther = new RunWatcher(other.Url);

        var terminatedAt = DateTime.UtcNow;
        draining.Terminate();
        var moved = await apiOther.WaitAsync(runId, r => Silo(r, "teacher/0") == other.Id, TimeSpan.FromSeconds(30), $"{other.Id} taking teacher/0");
        var seconds = (DateTime.UtcNow - terminatedAt).TotalSeconds;
        output.WriteLine($"SIGTERM of {draining.Id} → teacher/0 placed on {other.Id}: {seconds:F1} s");
        Assert.True(seconds < 20, $"placed again {seconds:F1} s after SIGTERM");
        // A graceful hand-back does not use up an attempt.
        Assert.Equal(1, Attempt(RunWatcher.TaskOf(moved, "teacher/0")));
        Assert.True(await draining.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"{draining.Id} did not exit after SIGTERM:\n{draining.Output}");
        Assert.Equal(0, draining.ExitCode);
        Assert.Contains("handed back", draining.Output);

        var run = await WithOutputAsync(other, apiOther.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing"));
        Assert.Equal("succeeded", RunWatcher.State(run));
        // It stopped right after a checkpointed epoch, and the other silo went on from the next one.
        var events = await apiOther.EventsAsync(runId);
        var released = events.ToList().FindIndex(e => Kind(e) == "task-released" && TaskOf(e) == "teacher/0");
        Assert.True(released > 0, string.Join(", ", events.Select(Kind)));
        var lastBefore = events.Take(released).Where(e => Kind(e) == "task-progress" && TaskOf(e) == "teacher/0").Max(EpochOf);
        var firstAfter = events.Skip(released).Where(e => Kind(e) == "task-progress" && TaskOf(e) == "teacher/0").Select(EpochOf).First(e => e > 0);
        Assert.Equal(lastBefore + 1, firstAfter);
        Assert.Contains($"stops after epoch {lastBefore} (checkpointed)", draining.Output);
    }

    [Fact]
    public async Task PostgresRestartedMidRun_BothSilosSurvive_AndTheRunSucceeds()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var (a, b) = await StartTwoSilosAsync(postgres.ConnectionString);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 2, epochs: 20));
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 2, RunTimeout, "teacher/0 reaching epoch 2");

        TestPostgres.Restart();

        Assert.Equal("running", RunWatcher.State(before));
        var run = await api.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing after the restart");
        Assert.Equal("succeeded", RunWatcher.State(run));
        Assert.False(a.HasExited, a.Output);
        Assert.False(b.HasExited, b.Output);
        await api.WaitForSilosAsync(2, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task OneSlotPerSilo_ThreeTeachersOnTwoSilos_NeverTwoOnOneSlot_AndTheThirdStartsWhenASlotFrees()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var (a, _) = await StartTwoSilosAsync(postgres.ConnectionString);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 3, epochs: 8));
        var run = await api.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing");
        Assert.Equal("succeeded", RunWatcher.State(run));

        // Replay the log: each silo's one slot holds at most one task at a time.
        var events = await api.EventsAsync(runId);
        var busy = new Dictionary<string, string?>();
        var where = new Dictionary<string, string>();
        var teacherStarts = new List<int>();
        var firstTeacherDone = -1;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (TaskOf(e) is not { } task) continue;
            switch (Kind(e))
            {
                case "task-placed":
                    var silo = PlacedOn().Match(Message(e)).Groups["silo"].Value;
                    Assert.True(busy.GetValueOrDefault(silo) is null, $"{task} placed on {silo} while {busy.GetValueOrDefault(silo)} ran there");
                    busy[silo] = task;
                    where[task] = silo;
                    if (task.StartsWith("teacher/", StringComparison.Ordinal)) teacherStarts.Add(i);
                    break;
                case "task-succeeded" or "task-failed" or "task-released" or "task-lost" or "task-retry":
                    if (where.TryGetValue(task, out var on) && busy.GetValueOrDefault(on) == task) busy[on] = null;
                    if (firstTeacherDone < 0 && Kind(e) == "task-succeeded" && task.StartsWith("teacher/", StringComparison.Ordinal)) firstTeacherDone = i;
                    break;
            }
        }

        Assert.Equal(3, teacherStarts.Count);
        Assert.Equal(2, teacherStarts.Take(2).Select(i => PlacedOn().Match(Message(events[i])).Groups["silo"].Value).Distinct().Count());
        Assert.True(teacherStarts[2] > firstTeacherDone && firstTeacherDone > 0, "the third teacher started before any slot was free");
    }

    [Fact]
    public async Task CancelMidTeacher_StopsTheTrainingWithinSeconds_OnWhicheverSiloItRuns()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var (a, b) = await StartTwoSilosAsync(postgres.ConnectionString);
        using var api = new RunWatcher(a.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        var before = await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 2, RunTimeout, "teacher/0 reaching epoch 2");
        var (training, other) = Silo(before, "teacher/0") == "silo-a" ? (a, b) : (b, a);

        // Cancelled through the silo that does not run it.
        using var apiOther = new RunWatcher(other.Url);
        var clock = Stopwatch.StartNew();
        var cancelled = await apiOther.CancelAsync(runId);
        Assert.Equal("cancelled", RunWatcher.State(cancelled));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!training.Output.Contains($"{runId}/teacher/0 attempt 1 stopped: Cancelled", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(training.Output.Contains($"{runId}/teacher/0 attempt 1 stopped: Cancelled", StringComparison.Ordinal),
            $"{training.Id} did not stop teacher/0 within 15 s of the cancel:\n{training.Output}");
        output.WriteLine($"cancel → training stopped on {training.Id}: {clock.Elapsed.TotalSeconds:F1} s");
        // And its slot is free again.
        while (DateTime.UtcNow < deadline &&
               (await apiOther.SilosAsync()).EnumerateArray().Any(s => s.GetProperty("running_tasks").GetArrayLength() > 0))
        {
            await Task.Delay(100);
        }

        var silos = await apiOther.SilosAsync();
        Assert.All(silos.EnumerateArray(), s => Assert.Empty(s.GetProperty("running_tasks").EnumerateArray()));
    }

    [Fact]
    public async Task SiloRestartedOnTheSameSqliteFile_ResumesItsUnfinishedRunFromItsCheckpoint()
    {
        var store = $"sqlite:{Path.Combine(_directory, "store.db")}";
        var first = await StartSiloAsync("embedded", store);
        using var api = new RunWatcher(first.Url);
        var runId = await api.SubmitAsync(ClusterSpecs.Teachers(teachers: 1, epochs: 30));
        await api.WaitAsync(runId, r => RunWatcher.Epoch(RunWatcher.TaskOf(r, "teacher/0")) >= 3, RunTimeout, "teacher/0 reaching epoch 3");
        first.Kill();

        // The task is recorded on a silo that is not a member of the new one-silo cluster: it is placed again at once.
        var second = await StartSiloAsync("embedded", store);
        using var api2 = new RunWatcher(second.Url);
        var run = await api2.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", RunTimeout, "the run finishing after the restart");

        Assert.Equal("succeeded", RunWatcher.State(run));
        Assert.Equal(2, Attempt(RunWatcher.TaskOf(run, "teacher/0")));
        var events = await api2.EventsAsync(runId);
        Assert.Contains(events, e => Kind(e) == "task-lost" && TaskOf(e) == "teacher/0");
        Assert.Matches(@"teacher/0 attempt 2 \(fence \d+\) starts on [a-z-]+, slot 0 from checkpoints/epoch-\d{4}\.safetensors", second.Output);
        Assert.True(FirstEpochOfAttempt(events, "teacher/0", attempt: 2) > 3);
    }

    /// <summary>The tasks of <paramref name="runId"/> a silo started, from its log.</summary>
    private static List<string> StartedTasks(string output, string runId) =>
        [.. AttemptLine().Matches(output).Where(m => m.Groups["run"].Value == runId).Select(m => m.Groups["task"].Value).Distinct()];

    [GeneratedRegex(@"(?<run>[a-z0-9-]+)/(?<task>[a-z]+(/\d+)?) attempt \d+ \(fence \d+\) starts on")]
    private static partial Regex AttemptLine();

    [GeneratedRegex(@"placed on silo (?<silo>[a-z0-9-]+), slot \d+")]
    private static partial Regex PlacedOn();

    private static string Kind(JsonElement e) => e.GetProperty("kind").GetString()!;

    private static string Message(JsonElement e) => e.GetProperty("message").GetString()!;

    private static string? TaskOf(JsonElement e) => e.GetProperty("task_id").GetString();

    private static int Attempt(JsonElement task) => task.GetProperty("attempt").GetInt32();

    private static string? Silo(JsonElement run, string taskId) => RunWatcher.TaskOf(run, taskId).GetProperty("silo").GetString();

    private static int EpochOf(JsonElement e)
    {
        if (!e.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) return 0;
        return data.TryGetProperty("epoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number ? epoch.GetInt32() : 0;
    }

    /// <summary>The first epoch <paramref name="taskId"/> reported after its <paramref name="attempt"/>-th placement.</summary>
    private static int FirstEpochOfAttempt(IReadOnlyList<JsonElement> events, string taskId, int attempt)
    {
        var placements = 0;
        foreach (var e in events.Where(e => TaskOf(e) == taskId))
        {
            if (Kind(e) == "task-placed") placements++;
            else if (placements == attempt && Kind(e) == "task-progress" && EpochOf(e) > 0) return EpochOf(e);
        }

        throw new InvalidOperationException($"no progress of {taskId} in attempt {attempt}: {string.Join(", ", events.Select(Kind))}");
    }
}
