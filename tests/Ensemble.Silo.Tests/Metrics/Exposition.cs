using System.Globalization;

namespace Ensemble.Silo.Tests.Metrics;

/// <summary>A scrape read back: every sample by its series as written (<c>name{label="value",…}</c>), and the families' types.</summary>
internal sealed class Exposition
{
    private Exposition(Dictionary<string, double> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

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
                samples.Add(line[..space], double.Parse(line[(space + 1)..].Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));
            }
        }

        return new Exposition(samples, types);
    }

    /// <summary>The sample of <paramref name="series"/>; fails the test, listing what there is, when absent.</summary>
    public double this[string series] =>
        Samples.TryGetValue(series, out var value) ? value : throw new Xunit.Sdk.XunitException($"no sample {series}; there are:\n{string.Join('\n', Samples.Keys)}");

    /// <summary>The series whose names start with <paramref name="prefix"/>.</summary>
    public IEnumerable<string> SeriesOf(string prefix) => Samples.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal));
}
