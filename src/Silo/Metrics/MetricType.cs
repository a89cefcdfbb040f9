namespace Ensemble.Silo.Metrics;

/// <summary>A metric family's type in the Prometheus text format.</summary>
internal enum MetricType
{
    /// <summary>Only goes up (resets when the process restarts); its name ends <c>_total</c>.</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Observations counted into cumulative buckets, with their sum and count.</summary>
    Histogram,
}
