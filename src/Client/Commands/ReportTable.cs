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

        foreach (var gain in report.StudentGains())
        {
            text.AppendLine(culture, $"{gain.Student} vs baseline: {gain.Points:+0.00;-0.00} points");
        }

        return text.ToString();
    }
}
