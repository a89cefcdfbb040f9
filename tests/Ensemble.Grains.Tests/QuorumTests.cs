using Ensemble.Contracts.Reports;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;

namespace Ensemble.Grains.Tests;

/// <summary>A run that goes on with a quorum of teachers: the tasks after them use exactly the teachers whose results exist.</summary>
public sealed class QuorumTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-quorum-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TeacherWithoutResult_IsLeftOutOfClusterSpecialistsAggregateAndReport()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var spec = RunSpecReader.Parse("""
            seed: 7
            data: {dataset: synthetic, validation_fraction: 0.2, synthetic: {train_per_class: 120, test_per_class: 40}}
            teachers: {count: 3, min: 2, model: {kind: mlp, hidden: [32]}, training: {epochs: 3, batch_size: 64}}
            specialists: {count: 1, max_size: 3, training: {epochs: 2, batch_size: 64}}
            distillation: {student: {kind: mlp, hidden: [16]}, training: {epochs: 3, batch_size: 64}}
            baseline: false
            """, "yaml");
        var settings = RunSettingsTranslator.Translate(spec, "quorum");
        var layout = new ArtifactLayout(_directory);
        var context = new RunContext(settings, layout);
        var plan = RunPlan.Expand(settings);
        foreach (var teacher in plan.Where(t => t.Kind == TaskKind.Teacher))
        {
            AtomicFile.WriteJson(layout.Result(teacher.Id), TaskCatalog.For(teacher.Kind).Execute(teacher, context, CancellationToken.None));
        }

        // teacher/1 failed for good: its files are not there (a silo only links in what was recorded).
        Directory.Delete(layout.TaskDirectory("teacher/1"), recursive: true);
        Assert.Equal(["teacher/0", "teacher/2"], context.Teachers());
        foreach (var task in plan.Where(t => t.Kind != TaskKind.Teacher))
        {
            AtomicFile.WriteJson(layout.Result(task.Id), TaskCatalog.For(task.Kind).Execute(task, context, CancellationToken.None));
        }

        var report = AtomicFile.ReadJson<RunReport>(layout.ReportJson);
        Assert.Equal(["teacher/0", "teacher/2"], report.Models.Select(m => m.Name).Where(n => n.StartsWith("teacher/", StringComparison.Ordinal)));
        Assert.Contains(report.Models, m => m.Name == "student");
        var specialist = AtomicFile.ReadJson<TaskResult>(layout.Result("specialist/0"));
        Assert.Equal("teacher/0", specialist.Values!["generalist"]);
    }
}
