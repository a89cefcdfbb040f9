namespace Ensemble.Silo.Metrics;

/// <summary>One series of a family at the moment it was collected.</summary>
/// <param name="Labels">The labels, ordered by name.</param>
/// <param name="Value">The counter's or gauge's value; for a histogram, its sum.</param>
/// <param name="Buckets">For a histogram: the cumulative count of observations at or below each of the family's bounds, then <c>+Inf</c> (the count).</param>
internal sealed record MetricSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, IReadOnlyList<long>? Buckets = null);
