using System.Text.Json;

namespace Ensemble.Client.Tests;

public sealed class RunCommandTests : IDisposable
{
    private const string TinySpec = """
        seed: 2
        data: {dataset: synthetic, synthetic: {train_per_class: 100, test_per_class: 50}}
        teachers:
          count: 2
          model: {kind: mlp, hidden: [32], dropout: 0.1}
          training: {epochs: 4, batch_size: 64}
        distillation:
          student: {kind: mlp, hidden: [16]}
          training: {epochs: 5, batch_size: 32}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Run_InvalidSpec_ListsEveryProblemByPath_ExitsWithBadInput_AndCreatesNothing()
    {
        var spec = Write("bad.yaml", """
            teachers:
              count: 0
              cuont: 3
            distillation:
              alpha: 1.5
              temperature: -1
            """);
        var output = Path.Combine(_directory, "out");

        var (code, _, stderr) = CliProcess.Run("run", spec, "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("teachers.count: must be >= 1", stderr);
        Assert.Contains("teachers.cuont: unknown field; did you mean 'count'?", stderr);
        Assert.Contains("distillation.alpha: must be in [0, 1]", stderr);
        Assert.Contains("distillation.temperature:", stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_MissingSpecFile_NamesIt()
    {
        var (code, _, stderr) = CliProcess.Run("run", Path.Combine(_directory, "nope.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("nope.yaml", stderr);
    }

    [Fact]
    public void Run_MissingDatasetDirectory_NamesIt()
    {
        var spec = Write("dir.yaml", TinySpec.Replace("dataset: synthetic, ", $"dataset: {Path.Combine(_directory, "no-such-data")}, "));
        var (code, _, stderr) = CliProcess.Run("run", spec, "--out", Path.Combine(_directory, "out"));
        Assert.Equal(2, code);
        Assert.Contains("no-such-data", stderr);
    }

    [Fact]
    public void Run_OutputUnderAFile_SaysItCannotWriteThere()
    {
        var spec = Write("tiny.yaml", TinySpec);
        var blocker = Write("a-file", "not a directory");
        var (code, _, stderr) = CliProcess.Run("run", spec, "--out", Path.Combine(blocker, "run"));
        Assert.Equal(2, code);
        Assert.Contains("--out: cannot write to", stderr);
    }

    [Fact]
    public void Run_TinySyntheticSpec_PrintsTheTable_WritesReportAndStudent_ThenResumesAndRefusesADifferentSpec()
    {
        var spec = Write("tiny.yaml", TinySpec);
        var output = Path.Combine(_directory, "run");

        var (code, stdout, stderr) = CliProcess.Run("run", spec, "--out", output, "--threads", "2");

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("run 'tiny'", stdout);
        Assert.Contains("teacher/1", stdout);
        Assert.Contains("ensemble/arithmetic", stdout);
        Assert.Contains("student vs baseline:", stdout);
        Assert.True(File.Exists(Path.Combine(output, "student.safetensors")));
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json"))))
        {
            var names = report.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
            Assert.Equal(["teacher/0", "teacher/1", "ensemble/arithmetic", "ensemble/geometric", "ensemble/logits", "student", "baseline"], names);
            Assert.All(report.RootElement.GetProperty("models").EnumerateArray(),
                m => Assert.InRange(m.GetProperty("accuracy").GetDouble(), 0.3, 1.0));
        }

        var again = CliProcess.Run("run", spec, "--out", output);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("resuming run 'tiny'", again.StdOut);
        Assert.Contains("already done", again.StdOut);

        var changed = Write("tiny.yaml", TinySpec.Replace("seed: 2", "seed: 3"));
        var refused = CliProcess.Run("run", changed, "--out", output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("holds a run with a different spec", refused.StdErr);
    }
}
