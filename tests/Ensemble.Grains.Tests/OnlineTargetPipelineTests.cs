using Ensemble.Contracts.Reports;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Runtime;
using Ensemble.Distillation.Serialization;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tests;

/// <summary><c>distillation.targets: online</c> through the whole pipeline, on the synthetic dataset.</summary>
public sealed class OnlineTargetPipelineTests : IDisposable
{
    private const string Spec = """
        seed: 4
        data: {dataset: synthetic, validation_fraction: 0.2, synthetic: {train_per_class: 200, test_per_class: 100}}
        teachers:
          count: 2
          model: {kind: mlp, hidden: [64], dropout: 0.1}
          training: {epochs: 8, batch_size: 64}
        specialists: {count: 1, max_size: 3, training: {epochs: 3, batch_size: 64}}
        distillation:
          student: {kind: mlp, hidden: [32]}
          training: {epochs: 12, batch_size: 32}
          transfer: {fraction: 0.1, augmentation: none}
        baseline: true
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-online-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task OnlineTargets_WithoutAugmentationOrMixup_TrainBitForBitTheStudentOfFixedTargets()
    {
        TorchRuntime.Threads = 1;
        var fixedRun = new ArtifactLayout(Path.Combine(_directory, "fixed"));
        await Run(Spec, fixedRun);
        var onlineRun = new ArtifactLayout(Path.Combine(_directory, "online"));
        // The same teachers, cluster and specialist: only the student's targets are made differently.
        foreach (var task in new[] { "teacher/0", "teacher/1", "cluster", "specialist/0" }) CopyDirectory(fixedRun.TaskDirectory(task), onlineRun.TaskDirectory(task));
        var lines = await Run(Spec.Replace("  transfer:", "  targets: online\n  transfer:", StringComparison.Ordinal), onlineRun);

        Assert.Contains(lines, l => l.TaskId == "distill" && l.Message.StartsWith("online targets: 1", StringComparison.Ordinal) && l.Message.Contains("through 3 teacher network(s)", StringComparison.Ordinal));
        using var a = SafeTensors.Load(fixedRun.Model("distill", "student"));
        using var b = SafeTensors.Load(onlineRun.Model("distill", "student"));
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        Assert.All(a.Tensors, kv => Assert.True(kv.Value.eq(b.Tensors[kv.Key]).all().ToBoolean(), $"{kv.Key} differs"));

        // The report shows every model's accuracy on the specialist's classes, from its confusion matrix.
        var report = AtomicFile.ReadJson<RunReport>(onlineRun.ReportJson);
        var group = Assert.Single(report.SpecialistClasses);
        Assert.Equal("specialist/0", group.Name);
        var student = report.Models.Single(m => m.Name == "student");
        var correct = group.Classes.Sum(c => student.Confusion![c][c]);
        var total = group.Classes.Sum(c => student.Confusion![c].Sum());
        Assert.Equal((double)correct / total, group.Accuracy["student"], 12);
        Assert.Contains("ensemble+specialists", group.Accuracy.Keys);
        Assert.Contains("## Accuracy on the specialists' classes", File.ReadAllText(onlineRun.ReportMarkdown));
    }

    [Fact]
    public async Task OnlineTargetsWithMixup_StudentBeatsItsMixupBaseline_OnASmallTransferSet()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var layout = new ArtifactLayout(Path.Combine(_directory, "mixup"));
        var spec = WithoutSpecialists("{fraction: 0.06, augmentation: none, mixup: 0.4}")
            .Replace("  transfer:", "  targets: online\n  transfer:", StringComparison.Ordinal)
            .Replace("epochs: 12, batch_size: 32", "epochs: 60, batch_size: 32", StringComparison.Ordinal);

        await Run(spec, layout);

        var (student, baseline, summary) = StudentAndBaseline(layout);
        // Measured: student 58.4 %, baseline 50.3 % (teachers 65.9 %); a loss that ignored the targets would tie the baseline.
        Assert.True(student > baseline + 0.04, summary);
    }

    [Fact]
    public async Task LabeledFraction_StudentLearnsFromTheUnlabeledImages_BaselineTrainsOnTheLabeledShareOnly()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var layout = new ArtifactLayout(Path.Combine(_directory, "semi"));
        var spec = WithoutSpecialists("{labeled_fraction: 0.06}");
        var settings = RunSettingsTranslator.Translate(RunSpecReader.Parse(spec, "yaml"), "semi");
        var context = new RunContext(settings, layout);

        // Every teacher-training example is the student's (1,600: 10 classes × 200, less the 20 % validation split), 6 % of them labelled.
        Assert.Equal(1600, context.Data.Transfer.Count);
        var labeled = context.Data.LabeledTransferRows.Length;
        Assert.InRange(labeled, 90, 100);
        using (var baselineSet = StudentTraining.CreateSet(context))
        {
            Assert.Equal(labeled, baselineSet.Count);
            Assert.Equal(ScalarType.Int64, baselineSet.ForEpoch(1).Labels!.dtype);
        }

        await Run(spec, layout);

        var (student, baseline, summary) = StudentAndBaseline(layout);
        // Measured: student 67.0 %, baseline 50.6 % (teachers 65.9 %): the unlabeled images' soft targets carry what 6 % of labels cannot.
        Assert.True(student > baseline + 0.08, summary);
    }

    /// <summary>The spec without its specialist, its teachers trained for 20 epochs, and <paramref name="transfer"/> as its transfer section.</summary>
    private static string WithoutSpecialists(string transfer) => Spec
        .Replace("specialists: {count: 1, max_size: 3, training: {epochs: 3, batch_size: 64}}\n", "", StringComparison.Ordinal)
        .Replace("{fraction: 0.1, augmentation: none}", transfer, StringComparison.Ordinal)
        .Replace("epochs: 8, batch_size: 64", "epochs: 20, batch_size: 64", StringComparison.Ordinal);

    /// <summary>The student's and the baseline's test accuracy, and every model's for the assertion message.</summary>
    private static (double Student, double Baseline, string Summary) StudentAndBaseline(ArtifactLayout layout)
    {
        var report = AtomicFile.ReadJson<RunReport>(layout.ReportJson);
        double Accuracy(string name) => report.Models.Single(m => m.Name == name).Accuracy;
        return (Accuracy("student"), Accuracy("baseline"), string.Join(", ", report.Models.Select(m => $"{m.Name} {m.Accuracy:P1}")));
    }

    private static async Task<List<TaskProgress>> Run(string yaml, ArtifactLayout layout)
    {
        var settings = RunSettingsTranslator.Translate(RunSpecReader.Parse(yaml, "yaml"), "online");
        var lines = new List<TaskProgress>();
        await new LocalRunner(new RunContext(settings, layout, new CollectedProgress(lines))).RunAsync(RunPlan.Expand(settings), CancellationToken.None);
        Assert.True(File.Exists(layout.ReportJson));
        return lines;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
