using Ensemble.Contracts.Reports;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Export;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;
using Xunit.Abstractions;

namespace Ensemble.Grains.Tests;

/// <summary>A run with <c>distillation.compress</c> on the synthetic dataset: pruned and int8 students, reported and delivered.</summary>
public sealed class CompressionPipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-compress-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RunSettings Settings(string compress) => RunSettingsTranslator.Translate(RunSpecReader.Parse(Spec(compress), "yaml"), "x");

    private static string Spec(string compress) => $$$"""
        name: compress
        seed: 4
        data: {dataset: synthetic, validation_fraction: 0.2, synthetic: {train_per_class: 200, test_per_class: 100}}
        teachers:
          count: 2
          model: {kind: mlp, hidden: [64], dropout: 0.1}
          training: {epochs: 10, batch_size: 64}
        distillation:
          student: {kind: mlp, hidden: [256]}
          training: {epochs: 30, batch_size: 32}
          transfer: {fraction: 0.3}
          compress: {{{compress}}}
        baseline: true
        """;

    [Fact]
    public async Task StructuredPruningAndInt8_AddReportRows_ShrinkTheFiles_KeepTheAccuracy_AndResume()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var settings = Settings("{prune: {method: structured, sparsity: 0.5, fine_tune_epochs: 5}, quantize: {calibration_examples: 256}}");
        var layout = new ArtifactLayout(_directory);
        var lines = new List<TaskProgress>();
        var plan = RunPlan.Expand(settings);
        Assert.Contains(plan, t => t.Id == "compress" && t.DependsOn.SequenceEqual(["distill"]));

        await new LocalRunner(new RunContext(settings, layout, new CollectedProgress(lines))).RunAsync(plan, CancellationToken.None);

        var report = AtomicFile.ReadJson<RunReport>(layout.ReportJson);
        output.WriteLine(File.ReadAllText(layout.ReportMarkdown));
        ModelReport Row(string name) => report.Models.Single(m => m.Name == name);
        var student = Row(report.ExportedStudent!);
        var (pruned, int8, prunedInt8) = (Row("student-pruned"), Row("student-int8"), Row("student-pruned-int8"));
        Assert.All(new[] { student, pruned, int8, prunedInt8 }, m =>
        {
            Assert.True(m.Bytes > 0 && m.LatencyBatch1Microseconds > 0 && m.LatencyBatch64Microseconds > 0, $"{m.Name} was not measured");
            Assert.Equal(report.TestExamples, m.Confusion!.Sum(row => row.Sum()));
        });
        // 256 hidden units → 128: both layers' weights halve, so does nearly all of the file.
        Assert.Contains("mlp 32-128-10", pruned.Detail, StringComparison.Ordinal);
        Assert.True(pruned.Bytes < 0.6 * student.Bytes, $"pruned {pruned.Bytes} bytes vs {student.Bytes}");
        // A quarter for the weights, plus per-channel scales and int32 biases, a larger share in so small a network.
        Assert.True(int8.Bytes < 0.4 * student.Bytes, $"int8 {int8.Bytes} bytes vs {student.Bytes}");
        Assert.True(prunedInt8.Bytes < int8.Bytes, $"pruned int8 {prunedInt8.Bytes} bytes vs int8 {int8.Bytes}");
        // A student that learned something, compressed copies that kept most of it (a broken export scores ~10 %).
        Assert.True(student.Accuracy > 0.6, $"student {student.Accuracy:P1}");
        Assert.True(int8.Accuracy > student.Accuracy - 0.03, $"int8 {int8.Accuracy:P1} vs student {student.Accuracy:P1}");
        Assert.True(pruned.Accuracy > student.Accuracy - 0.05, $"pruned {pruned.Accuracy:P1} vs student {student.Accuracy:P1}");
        Assert.Contains("int8 QDQ", int8.Detail, StringComparison.Ordinal);
        // The ensemble is priced as its members together, beside the student that replaces it.
        var (teacher0, teacher1, ensemble) = (Row("teacher/0"), Row("teacher/1"), Row("ensemble/arithmetic"));
        Assert.Equal(teacher0.Bytes + teacher1.Bytes, ensemble.Bytes);
        Assert.Equal(teacher0.LatencyBatch64Microseconds!.Value + teacher1.LatencyBatch64Microseconds!.Value, ensemble.LatencyBatch64Microseconds!.Value, 6);
        Assert.Equal(ensemble.Bytes, Row("ensemble/logits").Bytes);
        Assert.Null(Row("baseline").Bytes);
        Assert.Contains(report.StudentGains(), g => g.Student == report.ExportedStudent);
        Assert.DoesNotContain(report.StudentGains(), g => g.Student.StartsWith("student-pruned", StringComparison.Ordinal) || g.Student.EndsWith("-int8", StringComparison.Ordinal));
        foreach (var file in new[] { "student-pruned.safetensors", "student-pruned.onnx", "student-int8.onnx", "student-pruned-int8.onnx" })
        {
            Assert.True(File.Exists(Path.Combine(_directory, file)), $"{file} is not delivered beside the student");
        }

        Assert.Contains("| student-int8 |", File.ReadAllText(layout.ReportMarkdown), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.TaskId == "compress:student-pruned");

        // Lose the compress result: only compress and the report run again.
        File.Delete(layout.Result("compress"));
        lines.Clear();
        await new LocalRunner(new RunContext(settings, layout, new CollectedProgress(lines))).RunAsync(plan, CancellationToken.None);
        Assert.Equal(["compress", "report"], lines.Where(l => l.Message == "started").Select(l => l.TaskId).ToList());
    }

    [Fact]
    public async Task UnstructuredPruning_ZeroesTheAskedFractionOfEveryWeight_AndFineTuningKeepsThemZero()
    {
        TorchRuntime.Threads = Environment.ProcessorCount;
        var settings = Settings("{prune: {method: unstructured, sparsity: 0.7, fine_tune_epochs: 3}}");
        var layout = new ArtifactLayout(_directory);

        await new LocalRunner(new RunContext(settings, layout, new CollectedProgress([]))).RunAsync(RunPlan.Expand(settings), CancellationToken.None);

        var result = AtomicFile.ReadJson<TaskResult>(layout.Result("compress"));
        // 32×256 and 256×10 weights: round(0.7 · 8192) + round(0.7 · 2560) = 5734 + 1792 of 10752 are zero after fine-tuning.
        Assert.Equal(7526.0 / 10752, double.Parse(result.Values!["student-pruned.sparsity"], System.Globalization.CultureInfo.InvariantCulture), 9);
        var (model, spec, _, _) = ModelFile.Load(layout.CompressedStudent("student-pruned", "safetensors"));
        using (model)
        {
            Assert.Equal(settings.Student.Model, spec);
            Assert.Equal(7526.0 / 10752, Distillation.Compression.WeightMask.Sparsity(model), 9);
        }

        var report = AtomicFile.ReadJson<RunReport>(layout.ReportJson);
        Assert.DoesNotContain(report.Models, m => m.Name.EndsWith("-int8", StringComparison.Ordinal));
        var pruned = report.Models.Single(m => m.Name == "student-pruned");
        Assert.True(pruned.Accuracy > 0.5, $"pruned {pruned.Accuracy:P1}");
        using var onnx = new OnnxRuntimeModel(layout.CompressedStudent("student-pruned", "onnx"));
        Assert.Equal(10, onnx.Run(new float[32], 1).Length);
    }
}
