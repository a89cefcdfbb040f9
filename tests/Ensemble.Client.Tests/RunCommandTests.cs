using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ensemble.Client.Embedded;
using Ensemble.Contracts.Runs;

namespace Ensemble.Client.Tests;

/// <summary><c>ensemble run</c> on its embedded silo: results, resuming after a crash, and every input error.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Home => Path.Combine(_directory, "home");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private (int ExitCode, string StdOut, string StdErr) Run(params string[] args) => CliProcess.Run(["run", .. args, "--home", Home]);

    [Fact]
    public void Run_InvalidSpec_ListsEveryProblemByPath_ExitsWithBadInput_AndCreatesNothing()
    {
        var output = Path.Combine(_directory, "out");
        var (code, _, stderr) = Run(Write("bad.yaml", TestSpecs.Invalid), "--out", output);

        Assert.Equal(2, code);
        TestSpecs.AssertListsEveryProblem(stderr);
        Assert.False(Directory.Exists(output));
        Assert.False(Directory.Exists(Home));
    }

    [Fact]
    public void Run_MissingSpecFile_NamesIt()
    {
        var (code, _, stderr) = Run(Path.Combine(_directory, "nope.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("nope.yaml", stderr);
    }

    [Fact]
    public void Run_MissingDatasetDirectory_NamesTheFieldAndDirectory_AndCreatesNothing()
    {
        var missing = Path.Combine(_directory, "no-such-data");
        var spec = Write("dir.yaml", TestSpecs.Tiny.Replace("dataset: synthetic, ", $"dataset: {missing}, "));
        var (code, _, stderr) = Run(spec, "--out", Path.Combine(_directory, "out"));
        Assert.Equal(2, code);
        Assert.Contains($"error: data.dataset: directory {missing} not found", stderr);
        Assert.False(Directory.Exists(Home));
    }

    [Fact]
    public void Run_OutputUnderAFile_SaysItCannotWriteThere_AndStoresNothing()
    {
        var blocker = Write("a-file", "not a directory");
        var (code, _, stderr) = Run(Write("tiny.yaml", TestSpecs.Tiny), "--out", Path.Combine(blocker, "run"));
        Assert.Equal(2, code);
        Assert.Contains($"--out: cannot write to {Path.Combine(blocker, "run")}", stderr);
        Assert.False(File.Exists(Path.Combine(Home, "store.db")));
    }

    [Fact]
    public void Run_TinySyntheticSpec_FollowsEveryTask_PrintsTheTable_AndWritesReportAndStudent_AndWithAllEveryArtifact()
    {
        var output = Path.Combine(_directory, "run");
        var (code, stdout, stderr) = Run(Write("tiny.yaml", TestSpecs.Tiny), "--out", output, "--all");

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("('tiny') on this machine: 6 tasks", stdout);
        Assert.Matches(@"teacher/1\s+epoch 4/4: loss", stdout);
        Assert.Contains("ensemble/arithmetic", stdout);
        Assert.Contains("student vs baseline:", stdout);
        Assert.Matches($@"student\.safetensors +{System.Text.RegularExpressions.Regex.Escape(Path.Combine(output, "student.safetensors"))}", stdout);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        var names = report.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(["teacher/0", "teacher/1", "ensemble/arithmetic", "ensemble/geometric", "ensemble/logits", "student", "baseline"], names);
        Assert.All(report.RootElement.GetProperty("models").EnumerateArray(), m => Assert.InRange(m.GetProperty("accuracy").GetDouble(), 0.3, 1.0));
        Assert.True(File.Exists(Path.Combine(output, "student.onnx")));
        // --all: the task directories too, what bench/pipeline/sweep.sh reuses.
        Assert.True(File.Exists(Path.Combine(output, "tasks", "teacher-1", "model.safetensors")), stdout);
        Assert.Contains("tasks/teacher-0/model.safetensors", stdout);

        // The student learned synthetic data: evaluating it on Fashion-MNIST is refused, naming both shapes.
        var student = Path.Combine(output, "student.safetensors");
        var mismatch = CliProcess.Run("eval", student, "--data", "fashion-mnist");
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains($"--data: fashion-mnist has 1x28x28 examples of 10 classes; {student} expects", mismatch.StdErr);
    }

    /// <summary>Teachers slow enough that an interruption lands after teacher/0 and well before the run ends.</summary>
    private string SlowSpec() => Write("resume.yaml", TestSpecs.Tiny.Replace("count: 2", "count: 3")
        .Replace("train_per_class: 100", "train_per_class: 600").Replace("hidden: [32]", "hidden: [512, 512]").Replace("batch_size: 64", "batch_size: 16"));

    [Fact]
    public async Task Run_CtrlC_StopsPromptly_SaysHowToResume_AndTheSameCommandResumesFromTheCheckpoint()
    {
        var spec = SlowSpec();
        var output = Path.Combine(_directory, "out");
        string runId;
        using (var first = CliProcess.Start(new Dictionary<string, string?>(), "run", spec, "--home", Home, "--out", output))
        {
            var stderr = first.StandardError.ReadToEndAsync();
            while (await first.StandardOutput.ReadLineAsync() is { } line && !line.Contains("epoch 1/4"))
            {
            }

            Signals.Send(first.Id, Signals.Interrupt);
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(20)), "still running 20 s after Ctrl-C");
            Assert.Equal(130, first.ExitCode);
            var saved = Regex.Match(await stderr, $@"run (resume-[0-9a-f]{{8}}) is saved in {Regex.Escape(Home)}; run the same command again to resume it");
            Assert.True(saved.Success, await stderr);
            runId = saved.Groups[1].Value;
        }

        // The same command takes the run up again: teacher/0, handed back when the first process drained, is placed again
        // as the same attempt (an interruption costs none) and trains on from its checkpoint rather than from epoch 1.
        // The run's events are replayed first, so the new attempt is what follows the hand-back.
        using var again = CliProcess.Start(new Dictionary<string, string?>(), "run", spec, "--home", Home, "--out", output, "--json");
        try
        {
            await AssertResumesFromTheCheckpointAsync(again, runId);
            Signals.Send(again.Id, Signals.Interrupt);
            Assert.True(again.WaitForExit(TimeSpan.FromSeconds(20)), "still running 20 s after the second Ctrl-C");
            Assert.Equal(130, again.ExitCode);
        }
        finally
        {
            if (!again.HasExited) again.Kill(entireProcessTree: true);
        }

        // Another spec in the same home: the unfinished run resumes too, and the new command says so rather than seeming to hang.
        using var other = CliProcess.Start(new Dictionary<string, string?>(), "run", Write("other.yaml", TestSpecs.Tiny), "--home", Home,
            "--out", Path.Combine(_directory, "other"), "--json");
        try
        {
            _ = other.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            string? shared = null;
            while (shared is null && await other.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (JsonDocument.Parse(line).RootElement.TryGetProperty("note", out var note) && note.GetString()!.StartsWith($"run {runId} ", StringComparison.Ordinal))
                {
                    shared = note.GetString();
                }
            }

            Assert.Equal($"run {runId} ('resume'), left unfinished in this home by an earlier `ensemble run`, resumes too and shares the slots "
                + "(its tasks may go first); its own command follows it to the end, or --home another directory keeps them apart", shared);
        }
        finally
        {
            other.Kill(entireProcessTree: true);
            other.WaitForExit();
        }
    }

    private static async Task AssertResumesFromTheCheckpointAsync(Process again, string runId)
    {
        _ = again.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var seen = new List<string>();
        string? note = null;
        var handedBack = false;
        string? placedAgain = null;
        int? resumedAt = null;
        while (resumedAt is null && await again.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            seen.Add(line);
            using var json = JsonDocument.Parse(line);
            var e = json.RootElement;
            if (e.TryGetProperty("note", out var text)) note ??= text.GetString();
            if (!e.TryGetProperty("kind", out var kind) || !e.TryGetProperty("task_id", out var task) || task.ValueKind != JsonValueKind.String
                || task.GetString() != "teacher/0")
            {
                continue;
            }

            switch (kind.GetString())
            {
                case "task-released":
                    handedBack = true;
                    break;
                case "task-placed" when handedBack:
                    placedAgain ??= e.GetProperty("message").GetString();
                    break;
                case "task-progress" when handedBack && e.GetProperty("data").TryGetProperty("epoch", out var epoch):
                    resumedAt = epoch.GetInt32();
                    break;
            }
        }

        Assert.True(resumedAt is not null, "teacher/0 was not handed back, or never trained again:\n" + string.Join('\n', seen));
        Assert.StartsWith($"resuming run {runId} ('resume'): ", note);
        Assert.Contains("teacher/0: attempt 1 placed", placedAgain);
        Assert.InRange(resumedAt.Value, 2, 4);
    }

    [Fact]
    public async Task Run_KilledMidRun_ResumesItsUnfinishedRun_WithoutRedoingFinishedTasks()
    {
        var spec = SlowSpec();
        var output = Path.Combine(_directory, "out");
        using (var first = CliProcess.Start(new Dictionary<string, string?>(), "run", spec, "--home", Home, "--out", output))
        {
            _ = first.StandardError.ReadToEndAsync();
            string? line;
            var seen = new List<string>();
            while ((line = await first.StandardOutput.ReadLineAsync()) is not null)
            {
                seen.Add(line);
                if (line.Contains("teacher/0") && line.Contains("succeeded")) break;
            }

            Assert.True(line is not null, "teacher/0 never succeeded:\n" + string.Join('\n', seen));
            first.Kill(entireProcessTree: true); // a crash: no drain, the running task stays recorded on a silo that is gone
            first.WaitForExit();
        }

        var (code, stdout, stderr) = Run(spec, "--out", output);
        Assert.True(code == 0, stderr + stdout);
        Assert.Matches(@"resuming run resume-[0-9a-f]{8} \('resume'\): [1-6] of 7 tasks already done", stdout);
        Assert.True(File.Exists(Path.Combine(output, "student.safetensors")));

        // The home's silo again, here, to read what the two runs of the command left.
        await using var silo = await EmbeddedSilo.StartAsync(Home, slots: 1, threads: 1, CancellationToken.None);
        var run = Assert.Single(await silo.Runs.ListAsync(10, CancellationToken.None));
        Assert.Equal(RunState.Succeeded, run.Run.State);
        Assert.Equal(1, run.Tasks.Single(t => t.TaskId == "teacher/0").Attempt);
    }
}
