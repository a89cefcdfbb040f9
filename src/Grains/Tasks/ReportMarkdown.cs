using System.Globalization;
using System.Text;
using Ensemble.Contracts.Reports;
using Ensemble.Distillation.Evaluation;

namespace Ensemble.Grains.Tasks;

/// <summary>The readable twin of <c>report.json</c>: the metrics table, the student against its baseline, confusions, stage times.</summary>
internal static class ReportMarkdown
{
    /// <summary>The Markdown of <paramref name="report"/>.</summary>
    public static string Write(RunReport report, IReadOnlyList<ModelEvaluation> evaluations)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(culture, $"# Run {report.Run}");
        text.AppendLine();
        text.AppendLine(culture, $"Test set: {report.Dataset}, {report.TestExamples} examples.");
        text.AppendLine();
        var sized = report.Models.Any(m => m.Bytes is not null);
        text.AppendLine(sized ? "| model | accuracy | NLL | ECE | ONNX bytes | µs/image, batch 1 | µs/image, batch 64 |" : "| model | accuracy | NLL | ECE |");
        text.AppendLine(sized ? "|---|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|");
        foreach (var m in report.Models)
        {
            var row = string.Create(culture, $"| {m.Name} | {m.Accuracy * 100:F2} % | {m.Nll:F4} | {m.Ece:F4} |");
            if (sized)
            {
                row += string.Create(culture, $" {(m.Bytes is { } b ? b.ToString("N0", culture) : "")} | {m.LatencyBatch1Microseconds:F1} | {m.LatencyBatch64Microseconds:F1} |");
            }

            text.AppendLine(row);
        }

        var details = report.Models.Where(m => m.Detail is not null).ToList();
        if (details.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Compressed students (latency: ONNX Runtime, 1 thread):");
            foreach (var m in details) text.AppendLine(culture, $"- `{m.Name}`: {m.Detail}.");
        }

        var gains = report.StudentGains();
        if (gains.Count > 0)
        {
            text.AppendLine();
            foreach (var gain in gains)
            {
                text.AppendLine(culture, $"- {gain.Student} vs baseline: {gain.Points:+0.00;-0.00} points.");
            }
        }

        if (report.SpecialistClasses.Count > 0)
        {
            // Did the specialists' knowledge reach the student? Its accuracy on their classes beside the ensemble's and the baseline's.
            text.AppendLine();
            text.AppendLine("## Accuracy on the specialists' classes");
            text.AppendLine();
            text.AppendLine("| model | " + string.Join(" | ", report.SpecialistClasses.Select(g => $"{g.Name}: {string.Join(", ", g.Classes.Select(c => report.ClassNames[c]))}")) + " |");
            text.AppendLine("|---|" + string.Concat(report.SpecialistClasses.Select(_ => "---:|")));
            foreach (var m in report.Models.Where(m => m.Detail is null && !m.Name.StartsWith("teacher/", StringComparison.Ordinal)))
            {
                text.AppendLine(culture, $"| {m.Name} | {string.Join(" | ", report.SpecialistClasses.Select(g => (g.Accuracy[m.Name] * 100).ToString("F2", culture) + " %"))} |");
            }
        }

        if (report.ExportedStudent is { } exported)
        {
            text.AppendLine();
            var compressed = details.Count > 0 ? $"; compressed: {string.Join(", ", details.Select(d => $"`{d.Name}.onnx`"))}" : "";
            text.AppendLine(culture, $"Exported student: `{exported}` (best validation accuracy) as `student.safetensors` and `student.onnx`{compressed}.");
        }

        var focus = evaluations.LastOrDefault(e => e.Name is "student" or "student-ls") ?? evaluations[0];
        text.AppendLine();
        text.AppendLine(culture, $"## Most confused classes ({focus.Name})");
        text.AppendLine();
        foreach (var pair in focus.Confusion.MostConfusedPairs(5))
        {
            text.AppendLine(culture, $"- {report.ClassNames[pair.TrueClass]} taken for {report.ClassNames[pair.PredictedClass]}: {pair.Count}");
        }

        text.AppendLine();
        text.AppendLine("## Stages");
        text.AppendLine();
        text.AppendLine("| task | seconds |");
        text.AppendLine("|---|---:|");
        foreach (var s in report.Stages)
        {
            text.AppendLine(culture, $"| {s.Task} | {(s.Skipped ? "skipped" : s.Seconds.ToString("F1", culture))} |");
        }

        return text.ToString();
    }
}
