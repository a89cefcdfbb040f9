using System.Globalization;
using System.Text;

namespace Ensemble.Silo.Tests.Metrics;

/// <summary>
/// A scrape read back: every sample by its series (<c>name{label="value",…}</c>, labels as written but without the
/// <c>otel_scope_*</c> labels the exporter puts on every series of a meter), and the families' types.
/// </summary>
internal sealed class Exposition
{
    private const string ScopeLabelPrefix = "otel_scope_";

    private Exposition(string text, Dictionary<string, double> samples, Dictionary<string, string> types)
    {
        Text = text;
        Samples = samples;
        Types = types;
    }

    /// <summary>The scrape as served.</summary>
    public string Text { get; }

    public IReadOnlyDictionary<string, double> Samples { get; }

    /// <summary>Family name → counter, gauge or histogram, from the <c># TYPE</c> lines.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static Exposition Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types.Add(parts[2], parts[3]);
            }
            else if (!line.StartsWith('#'))
            {
                var space = line.LastIndexOf(' ');
                samples.Add(Series(line[..space]), double.Parse(line[(space + 1)..].Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));
            }
        }

        return new Exposition(text, samples, types);
    }

    /// <summary>The sample of <paramref name="series"/>; fails the test, listing what there is, when absent.</summary>
    public double this[string series] =>
        Samples.TryGetValue(series, out var value) ? value : throw new Xunit.Sdk.XunitException($"no sample {series}; there are:\n{string.Join('\n', Samples.Keys)}");

    /// <summary>The series whose names start with <paramref name="prefix"/>.</summary>
    public IEnumerable<string> SeriesOf(string prefix) => Samples.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary><paramref name="series"/> as written, less its <c>otel_scope_*</c> labels (and the braces, when no label is left).</summary>
    private static string Series(string series)
    {
        var open = series.IndexOf('{');
        if (open < 0) return series;
        var kept = new List<string>();
        var label = new StringBuilder();
        var quoted = false;
        // Commas inside quoted (and escaped) values do not separate labels.
        for (var i = open + 1; i < series.Length - 1; i++)
        {
            var c = series[i];
            if (c == ',' && !quoted)
            {
                kept.Add(label.ToString());
                label.Clear();
                continue;
            }

            label.Append(c);
            if (c == '\\' && quoted) label.Append(series[++i]);
            else if (c == '"') quoted = !quoted;
        }

        if (label.Length > 0) kept.Add(label.ToString());
        kept.RemoveAll(l => l.StartsWith(ScopeLabelPrefix, StringComparison.Ordinal));
        return kept.Count == 0 ? series[..open] : $"{series[..open]}{{{string.Join(',', kept)}}}";
    }
}
