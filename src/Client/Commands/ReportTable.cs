using System.Globalization;
using System.Text;
using Ensemble.Contracts.Reports;

namespace Ensemble.Client.Commands;

/// <summary>The evaluation table printed at the end of a run.</summary>
internal static class ReportTable
{
    /// <summary>
    /// One row per model: accuracy, NLL, ECE, and for the exported and compressed students (when the run measured
    /// them) the ONNX file's bytes and ONNX Runtime's µs per image at batch 1 and 64; then the students against the baseline.
    /// </summary>
    public static string Format(RunReport report)
    {
        var culture = CultureInfo.InvariantCulture;
        var width = Math.Max(5, report.Models.Max(m => m.Name.Length));
        var sized = report.Models.Any(m => m.Bytes is not null);
        var text = new StringBuilder();
        text.AppendLine(culture, $"{"model".PadRight(width)}  accuracy     NLL     ECE{(sized ? "       bytes  µs/image b1  µs/image b64" : "")}");
        foreach (var m in report.Models)
        {
            var row = string.Create(culture, $"{m.Name.PadRight(width)}  {m.Accuracy * 100,7:F2} %  {m.Nll,6:F4}  {m.Ece,6:F4}");
            if (m.Bytes is { } bytes)
            {
                row += string.Create(culture, $"  {bytes,10:N0}  {m.LatencyBatch1Microseconds,11:F1}  {m.LatencyBatch64Microseconds,12:F1}");
            }

            text.AppendLine(row);
        }

        foreach (var gain in report.StudentGains())
        {
            text.AppendLine(culture, $"{gain.Student} vs baseline: {gain.Points:+0.00;-0.00} points");
        }

        return text.ToString();
    }
}
