using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Ensemble.Silo.Metrics;

/// <summary>
/// Listens to the instruments of one <see cref="Meter"/> (and no other, so several silos in one process keep apart)
/// and aggregates what they measure; <see cref="Collect"/> observes the observable ones and returns every family.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregate> _aggregates = new();
    private readonly Lock _collecting = new();

    /// <summary>Starts listening to <paramref name="meter"/>'s instruments, those made already and those made later.</summary>
    /// <exception cref="InvalidOperationException">Two of its instruments map to the same Prometheus name (thrown where the second is made).</exception>
    public MetricsCollector(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter)) return;
            var aggregate = new InstrumentAggregate(instrument);
            if (_aggregates.Values.FirstOrDefault(a => a.Name == aggregate.Name) is { } clash)
            {
                throw new InvalidOperationException(
                    $"instruments '{clash.Instrument.Name}' and '{instrument.Name}' of meter {meter.Name} both map to the metric {aggregate.Name}");
            }

            _aggregates[instrument] = aggregate;
            listener.EnableMeasurementEvents(instrument, aggregate);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _aggregates.TryRemove(instrument, out var _);
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every family, in name order, with the observable instruments observed now.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collecting)
        {
            foreach (var aggregate in _aggregates.Values) aggregate.BeginObservation();
            _listener.RecordObservableInstruments();
            return [.. _aggregates.Values.Select(a => a.Snapshot()).OrderBy(f => f.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();
}
