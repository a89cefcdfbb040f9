using System.Globalization;
using System.Text;
using Ensemble.Contracts.Reports;

namespace Ensemble.Client.Commands;

/// <summary>The evaluation table printed at the end of a run.</summary>
internal static class ReportTable
{
    /// <summary>One row per model: accuracy, NLL, ECE; and the students against the baseline.</summary>
    public static string Format(RunReport report)
    {
        var culture = CultureInfo.InvariantCulture;
        var width = Math.Max(5, report.Models.Max(m => m.Name.Length));
        var text = new StringBuilder();
        text.AppendLine(culture, $"{"model".PadRight(width)}  accuracy     NLL     ECE");
        foreach (var m in report.Models)
        {
            text.AppendLine(culture, $"{m.Name.PadRight(width)}  {m.Accuracy * 100,7:F2} %  {m.Nll,6:F4}  {m.Ece,6:F4}");
        }

        var baseline = report.Models.FirstOrDefault(m => m.Name == "baseline");
        foreach (var s in report.Models.Where(m => m.Name.StartsWith("student", StringComparison.Ordinal)))
        {
            if (baseline is null) break;
            text.AppendLine(culture, $"{s.Name} vs baseline: {(s.Accuracy - baseline.Accuracy) * 100:+0.00;-0.00} points");
        }

        return text.ToString();
    }
}
