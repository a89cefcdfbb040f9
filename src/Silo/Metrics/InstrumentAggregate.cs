using System.Diagnostics.Metrics;
using System.Globalization;

namespace Ensemble.Silo.Metrics;

/// <summary>
/// What one instrument has measured, by label set: a counter's or up-down counter's sum, an observable's or gauge's
/// latest value (observables are cleared before each collection, so a series that is no longer observed disappears),
/// or a histogram's bucket counts, sum and count.
/// </summary>
internal sealed class InstrumentAggregate
{
    /// <summary>The OpenTelemetry default explicit bounds, for a histogram that gives no advice.</summary>
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly object _gate = new();
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly double[] _bounds;
    private readonly bool _additive;

    /// <summary>An empty aggregate of <paramref name="instrument"/>.</summary>
    public InstrumentAggregate(Instrument instrument)
    {
        Instrument = instrument;
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        Type = definition == typeof(Histogram<>) ? MetricType.Histogram
            : definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? MetricType.Counter
            : MetricType.Gauge;
        // Synchronous counters and histograms accumulate; observables report the current value (a total, for an
        // observable counter), as does a synchronous gauge.
        _additive = !instrument.IsObservable && definition != typeof(Gauge<>);
        _bounds = Type == MetricType.Histogram ? BoundsOf(instrument) : [];
        Name = PrometheusNames.Metric(instrument.Name, instrument.Unit, Type);
    }

    /// <summary>The instrument.</summary>
    public Instrument Instrument { get; }

    /// <summary>Its family's Prometheus name.</summary>
    public string Name { get; }

    /// <summary>Its family's type.</summary>
    public MetricType Type { get; }

    /// <summary>Records one measurement with the labels of <paramref name="tags"/> (and the instrument's own tags).</summary>
    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value) && Type == MetricType.Histogram) return;
        var labels = Labels(tags);
        var key = string.Join('\0', labels.Select(l => $"{l.Key}\0{l.Value}"));
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series)) _series[key] = series = new Series(labels, _bounds.Length + 1);
            if (Type == MetricType.Histogram)
            {
                var index = Array.BinarySearch(_bounds, value);
                series.Counts[index >= 0 ? index : ~index]++;
                series.Value += value;
            }
            else
            {
                series.Value = _additive ? series.Value + value : value;
            }
        }
    }

    /// <summary>Forgets an observable's series before it is observed again; does nothing for the others.</summary>
    public void BeginObservation()
    {
        if (!Instrument.IsObservable) return;
        lock (_gate) _series.Clear();
    }

    /// <summary>The family as it is now: series ordered by their labels; a histogram's counts made cumulative.</summary>
    public MetricFamily Snapshot()
    {
        lock (_gate)
        {
            var series = _series.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new MetricSeries(s.Value.Labels, s.Value.Value,
                Type == MetricType.Histogram ? Cumulative(s.Value.Counts) : null)).ToList();
            return new MetricFamily(Name, Type, Instrument.Description ?? Instrument.Name, _bounds, series);
        }
    }

    private List<KeyValuePair<string, string>> Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var (key, value) in Instrument.Tags ?? []) labels.Add(Label(key, value));
        foreach (var (key, value) in tags) labels.Add(Label(key, value));
        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }

    private static KeyValuePair<string, string> Label(string key, object? value) =>
        new(PrometheusNames.Label(key), Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");

    private static long[] Cumulative(long[] counts)
    {
        var cumulative = new long[counts.Length];
        long total = 0;
        for (var i = 0; i < counts.Length; i++) cumulative[i] = total += counts[i];
        return cumulative;
    }

    private static double[] BoundsOf(Instrument instrument)
    {
        var advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries?.ToArray(),
            Instrument<float> f => f.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        var bounds = advised ?? DefaultBounds;
        for (var i = 1; i < bounds.Length; i++)
        {
            if (!(bounds[i] > bounds[i - 1]))
            {
                throw new ArgumentException($"histogram {instrument.Name}: bucket bounds must ascend strictly, but {bounds[i]} follows {bounds[i - 1]}",
                    nameof(instrument));
            }
        }

        return bounds;
    }

    /// <summary>One label set's state.</summary>
    private sealed class Series(List<KeyValuePair<string, string>> labels, int buckets)
    {
        public List<KeyValuePair<string, string>> Labels { get; } = labels;

        public double Value { get; set; }

        public long[] Counts { get; } = new long[buckets];
    }
}
