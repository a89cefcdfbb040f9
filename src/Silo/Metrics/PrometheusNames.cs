using System.Text;

namespace Ensemble.Silo.Metrics;

/// <summary>
/// Prometheus names for <c>System.Diagnostics.Metrics</c> instruments, as the OpenTelemetry Prometheus exporter makes
/// them: dots become underscores, the unit's base-unit suffix is appended (<c>s</c> → <c>_seconds</c>,
/// <c>By</c> → <c>_bytes</c>; annotations like <c>{task}</c> add nothing), and counters end <c>_total</c>.
/// </summary>
internal static class PrometheusNames
{
    /// <summary>The family name of an instrument named <paramref name="name"/> measuring in <paramref name="unit"/>.</summary>
    public static string Metric(string name, string? unit, MetricType type)
    {
        var result = Sanitize(name, allowColon: true);
        if (UnitSuffix(unit) is { } suffix && !result.EndsWith($"_{suffix}", StringComparison.Ordinal)) result += $"_{suffix}";
        if (type == MetricType.Counter && !result.EndsWith("_total", StringComparison.Ordinal)) result += "_total";
        return result;
    }

    /// <summary>A valid label name for <paramref name="key"/> (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>).</summary>
    public static string Label(string key) => Sanitize(key, allowColon: false);

    private static string? UnitSuffix(string? unit) => unit switch
    {
        "s" => "seconds",
        "By" => "bytes",
        _ => null,
    };

    /// <summary>Replaces every character Prometheus does not allow with <c>_</c>, and prefixes one when the first is a digit.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var builder = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0])) builder.Append('_');
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return builder.ToString();
    }
}
