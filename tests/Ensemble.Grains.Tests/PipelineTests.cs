using Ensemble.Contracts.Reports;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;

namespace Ensemble.Grains.Tests;

/// <summary>The whole pipeline in one process on the synthetic dataset with confusable groups.</summary>
public sealed class PipelineTests : IDisposable
{
    private const string Spec = """
        name: synthetic-e2e
        seed: 3
        data:
          dataset: synthetic
          validation_fraction: 0.2
          synthetic: {train_per_class: 300, test_per_class: 100}
        teachers:
          count: 3
          bootstrap: true
          model: {kind: mlp, hidden: [64], dropout: 0.1}
          training: {epochs: 12, batch_size: 64}
        specialists:
          count: 2
          max_size: 3
          head: dustbin
          training: {epochs: 6, batch_size: 64, learning_rate: 0.02}
        distillation:
          student: {kind: mlp, hidden: [32]}
          training: {epochs: 60, batch_size: 32}
          temperature: 4
          alpha: 0.1
          logit_standardization: compare
          transfer: {fraction: 0.06}
        baseline: true
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task SyntheticRun_ReportsEveryModel_EnsembleBeatsMembers_StudentBeatsBaseline_AndResumes()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var settings = RunSettingsTranslator.Translate(RunSpecReader.Parse(Spec, "yaml"), "fallback");
        var layout = new ArtifactLayout(_directory);
        var lines = new List<TaskProgress>();
        var progress = new CollectedProgress(lines);
        var plan = RunPlan.Expand(settings);

        var done = await new LocalRunner(new RunContext(settings, layout, progress)).RunAsync(plan, CancellationToken.None);

        Assert.Equal(0, done);
        var report = AtomicFile.ReadJson<RunReport>(layout.ReportJson);
        var names = report.Models.Select(m => m.Name).ToList();
        Assert.Equal(["teacher/0", "teacher/1", "teacher/2", "ensemble/arithmetic", "ensemble/geometric", "ensemble/logits",
            "ensemble+specialists", "student", "student-ls", "baseline"], names);
        double Accuracy(string name) => report.Models.Single(m => m.Name == name).Accuracy;
        var members = new[] { Accuracy("teacher/0"), Accuracy("teacher/1"), Accuracy("teacher/2") };
        var summary = string.Join(", ", report.Models.Select(m => $"{m.Name} {m.Accuracy:P1}"));
        Assert.True(Accuracy("ensemble/arithmetic") > members.Average(), summary);
        Assert.True(Accuracy("student") > Accuracy("baseline") + 0.03, summary);
        Assert.True(File.Exists(layout.Student));
        Assert.True(File.Exists(layout.StudentOnnx));
        Assert.Contains("| baseline |", File.ReadAllText(layout.ReportMarkdown));
        Assert.All(report.Models, m => Assert.Equal(report.TestExamples, m.Confusion!.Sum(row => row.Sum())));

        // Run again: nothing left to do.
        lines.Clear();
        var again = await new LocalRunner(new RunContext(settings, layout, progress)).RunAsync(plan, CancellationToken.None);
        Assert.Equal(plan.Count, again);

        // Lose the distill result: distill and the report run again, nothing before them.
        File.Delete(layout.Result("distill"));
        lines.Clear();
        await new LocalRunner(new RunContext(settings, layout, progress)).RunAsync(plan, CancellationToken.None);
        var started = lines.Where(l => l.Message == "started").Select(l => l.TaskId).ToList();
        Assert.Equal(["distill", "report"], started);
    }

    [Fact]
    public async Task FullHeadSpecialists_CrossFit_OmittedClassWithBiasCorrection_UnlabeledTransfer_RunAndReport()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var spec = RunSpecReader.Parse("""
            seed: 5
            data: {dataset: synthetic, validation_fraction: 0.2, synthetic: {train_per_class: 200, test_per_class: 100}}
            teachers:
              count: 2
              cross_fit: true
              model: {kind: mlp, hidden: [64], dropout: 0.1}
              training: {epochs: 10, batch_size: 64}
            specialists: {count: 1, max_size: 3, clustering: covariance, head: full, training: {epochs: 4, batch_size: 64}}
            distillation:
              student: {kind: mlp, hidden: [32]}
              training: {epochs: 30, batch_size: 32}
              alpha: 0
              transfer: {labeled: false, omit_classes: [9], bias_correction: true}
            """, "yaml");
        var settings = RunSettingsTranslator.Translate(spec, "variants");
        var layout = new ArtifactLayout(_directory);
        var lines = new List<TaskProgress>();
        var plan = RunPlan.Expand(settings);

        await new LocalRunner(new RunContext(settings, layout, new CollectedProgress(lines))).RunAsync(plan, CancellationToken.None);

        var report = AtomicFile.ReadJson<RunReport>(layout.ReportJson);
        Assert.Contains(report.Models, m => m.Name == "ensemble+specialists");
        var student = report.Models.Single(m => m.Name == "student");
        var baseline = report.Models.Single(m => m.Name == "baseline");
        // Class 9 never appeared in the transfer set: the baseline (hard labels) cannot predict it at all; the student
        // learned it from soft targets alone and, with its bias raised, predicts it.
        Assert.Equal(0, baseline.Confusion![9][9]);
        Assert.True(student.Confusion![9][9] > 30, $"student got {student.Confusion[9][9]} of 100 class-9 examples");
        Assert.Contains(lines, l => l.Message.Contains("raised the bias of omitted classes [9]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TaskId == "aggregate" && l.Message.Contains("cross-fitted teachers + specialists", StringComparison.Ordinal));
    }
}
