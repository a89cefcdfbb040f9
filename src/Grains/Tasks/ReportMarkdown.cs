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
        text.AppendLine("| model | accuracy | NLL | ECE |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var m in report.Models)
        {
            text.AppendLine(culture, $"| {m.Name} | {m.Accuracy * 100:F2} % | {m.Nll:F4} | {m.Ece:F4} |");
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

        if (report.ExportedStudent is { } exported)
        {
            text.AppendLine();
            text.AppendLine(culture, $"Exported student: `{exported}` (best validation accuracy) as `student.safetensors` and `student.onnx`.");
        }

        var focus = evaluations.LastOrDefault(e => e.Name.StartsWith("student", StringComparison.Ordinal)) ?? evaluations[0];
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
