namespace Ensemble.Silo.Metrics;

/// <summary>Every series of one metric as collected: what <see cref="PrometheusTextWriter"/> writes.</summary>
/// <param name="Name">The Prometheus name (counters end <c>_total</c>, units in base units: <c>_seconds</c>, <c>_bytes</c>).</param>
/// <param name="Type">Counter, gauge or histogram.</param>
/// <param name="Help">One line saying what it measures.</param>
/// <param name="Bounds">For a histogram: the upper bounds of its buckets, ascending, without <c>+Inf</c>; empty otherwise.</param>
/// <param name="Series">Its series, ordered by label values.</param>
internal sealed record MetricFamily(string Name, MetricType Type, string Help, IReadOnlyList<double> Bounds, IReadOnlyList<MetricSeries> Series);
