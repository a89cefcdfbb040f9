using System.Globalization;
using System.Text;

namespace Ensemble.Silo.Metrics;

/// <summary>
/// Writes metric families in the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): per family a <c># HELP</c> and a <c># TYPE</c> line,
/// then one line per sample; a histogram's series as cumulative <c>_bucket{le="…"}</c> lines ending at <c>+Inf</c>,
/// then <c>_sum</c> and <c>_count</c>. Families are written in name order, series in the order given.
/// </summary>
internal static class PrometheusTextWriter
{
    /// <summary>The Content-Type of what <see cref="Write"/> produces.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The exposition of <paramref name="families"/>.</summary>
    public static string Write(IEnumerable<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        var text = new StringBuilder();
        foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var series in family.Series)
            {
                if (family.Type == MetricType.Histogram) WriteHistogram(text, family, series);
                else Sample(text, family.Name, series.Labels, null, Number(series.Value));
            }
        }

        return text.ToString();
    }

    private static void WriteHistogram(StringBuilder text, MetricFamily family, MetricSeries series)
    {
        var buckets = series.Buckets ?? throw new ArgumentException($"histogram {family.Name}: a series has no buckets", nameof(family));
        if (buckets.Count != family.Bounds.Count + 1)
        {
            throw new ArgumentException($"histogram {family.Name}: {buckets.Count} bucket counts for {family.Bounds.Count} bounds (+Inf)", nameof(family));
        }

        for (var i = 0; i < buckets.Count; i++)
        {
            var le = i < family.Bounds.Count ? Number(family.Bounds[i]) : "+Inf";
            Sample(text, $"{family.Name}_bucket", series.Labels, le, buckets[i].ToString(CultureInfo.InvariantCulture));
        }

        Sample(text, $"{family.Name}_sum", series.Labels, null, Number(series.Value));
        Sample(text, $"{family.Name}_count", series.Labels, null, buckets[^1].ToString(CultureInfo.InvariantCulture));
    }

    private static void Sample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, string value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, label) in labels)
            {
                if (!first) text.Append(',');
                text.Append(key).Append("=\"").Append(EscapeLabelValue(label)).Append('"');
                first = false;
            }

            if (le is not null) text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            text.Append('}');
        }

        text.Append(' ').Append(value).Append('\n');
    }

    /// <summary>A sample value or bound: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    internal static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>In a label value, backslash, double quote and line feed are escaped as <c>\\</c>, <c>\"</c>, <c>\n</c>.</summary>
    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>In help text, backslash and line feed are escaped as <c>\\</c> and <c>\n</c>.</summary>
    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown metric type"),
    };
}
