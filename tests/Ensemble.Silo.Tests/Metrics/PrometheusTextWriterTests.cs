using System.Diagnostics.Metrics;
using Ensemble.Silo.Metrics;

namespace Ensemble.Silo.Tests.Metrics;

/// <summary>The collector and writer on instruments made by hand, compared with the exposition written out by hand.</summary>
public sealed class PrometheusTextWriterTests : IDisposable
{
    private readonly Meter _meter = new("test.writer");
    private readonly MetricsCollector _collector;

    public PrometheusTextWriterTests() => _collector = new MetricsCollector(_meter);

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    private string Scrape() => PrometheusTextWriter.Write(_collector.Collect());

    [Fact]
    public void CounterHistogramAndGauge_AreWrittenExactly_InNameOrder_WithCumulativeBucketsAndEscapedLabels()
    {
        var jobs = _meter.CreateCounter<long>("jobs.done", "{job}", "Jobs done.");
        jobs.Add(2, new KeyValuePair<string, object?>("kind", "b"));
        jobs.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        jobs.Add(4, new KeyValuePair<string, object?>("kind", "a"));

        // Bounds 0.25, 1, 8 (le is inclusive). Observations 0.125 and 0.25 fall at or below 0.25; 0.5 below 1; 2 below 8;
        // 16 only below +Inf. Per bucket 2, 1, 1, 1; cumulative 2, 3, 4, 5. Sum 0.125 + 0.25 + 0.5 + 2 + 16 = 18.875 (exact in binary).
        var duration = _meter.CreateHistogram("request.duration", "s", "How long requests took.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 1, 8] });
        foreach (var seconds in new[] { 0.125, 0.25, 0.5, 2, 16 }) duration.Record(seconds, new KeyValuePair<string, object?>("route", "/x"));

        _meter.CreateObservableGauge("queue.depth", () => new Measurement<double>(1.5, new KeyValuePair<string, object?>("queue", "a\"b\\c\nd")),
            null, "Depth of a queue.\nSecond line \\ with a backslash.");

        const string expected = """
            # HELP jobs_done_total Jobs done.
            # TYPE jobs_done_total counter
            jobs_done_total{kind="a"} 7
            jobs_done_total{kind="b"} 2
            # HELP queue_depth Depth of a queue.\nSecond line \\ with a backslash.
            # TYPE queue_depth gauge
            queue_depth{queue="a\"b\\c\nd"} 1.5
            # HELP request_duration_seconds How long requests took.
            # TYPE request_duration_seconds histogram
            request_duration_seconds_bucket{route="/x",le="0.25"} 2
            request_duration_seconds_bucket{route="/x",le="1"} 3
            request_duration_seconds_bucket{route="/x",le="8"} 4
            request_duration_seconds_bucket{route="/x",le="+Inf"} 5
            request_duration_seconds_sum{route="/x"} 18.875
            request_duration_seconds_count{route="/x"} 5

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), Scrape());
    }

    [Fact]
    public void LabelsAreOrderedByName_AndSeriesByLabelValues_WhateverTheOrderTheyCameIn()
    {
        var requests = _meter.CreateCounter<int>("requests");
        requests.Add(1, new KeyValuePair<string, object?>("method", "get"), new KeyValuePair<string, object?>("code", 500));
        requests.Add(1, new KeyValuePair<string, object?>("code", 200), new KeyValuePair<string, object?>("method", "get"));
        requests.Add(1, new KeyValuePair<string, object?>("code", 200), new KeyValuePair<string, object?>("method", "get"));

        Assert.Equal("""
            # HELP requests_total requests
            # TYPE requests_total counter
            requests_total{code="200",method="get"} 2
            requests_total{code="500",method="get"} 1

            """.ReplaceLineEndings("\n"), Scrape());
    }

    [Fact]
    public void AnObservableSeries_DisappearsOnceItIsNoLongerObserved_AndAnUpDownCounterSums()
    {
        var running = new List<string> { "t1", "t2" };
        _meter.CreateObservableGauge("task.loss", () => running.Select(t => new Measurement<double>(0.25, new KeyValuePair<string, object?>("task", t))));
        var busy = _meter.CreateUpDownCounter<int>("slots.busy");
        busy.Add(1);
        busy.Add(1);
        busy.Add(-1);

        Assert.Contains("task_loss{task=\"t2\"} 0.25\n", Scrape(), StringComparison.Ordinal);
        running.Remove("t2");
        var text = Scrape();

        Assert.Contains("task_loss{task=\"t1\"} 0.25\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("t2", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE slots_busy gauge\nslots_busy 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void InstrumentsOfAnotherMeter_AreNotCollected_EvenWithTheSameName()
    {
        using var other = new Meter("test.writer");
        other.CreateCounter<long>("jobs.done").Add(5);
        _meter.CreateCounter<long>("jobs.done").Add(1);

        Assert.Contains("jobs_done_total 1\n", Scrape(), StringComparison.Ordinal);
        Assert.DoesNotContain(" 5\n", Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoInstrumentsWithOneMetricName_AreRefusedWhenTheSecondIsMade()
    {
        _meter.CreateHistogram<double>("wait", "s");

        var error = Assert.Throws<InvalidOperationException>(() => _meter.CreateHistogram<double>("wait.seconds"));

        Assert.Contains("wait_seconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ensemble.lease.expirations", null, "Counter", "ensemble_lease_expirations_total")]
    [InlineData("ensemble.task.duration", "s", "Histogram", "ensemble_task_duration_seconds")]
    [InlineData("process.cpu", "s", "Counter", "process_cpu_seconds_total")]
    [InlineData("process.resident_memory", "By", "Gauge", "process_resident_memory_bytes")]
    [InlineData("ensemble.tasks", "{task}", "Gauge", "ensemble_tasks")]
    [InlineData("jobs_total", null, "Counter", "jobs_total")]
    [InlineData("9lives-left", null, "Gauge", "_9lives_left")]
    public void InstrumentNames_BecomePrometheusNames_WithBaseUnitSuffixAndTotal(string name, string? unit, string type, string expected) =>
        Assert.Equal(expected, PrometheusNames.Metric(name, unit, Enum.Parse<MetricType>(type)));

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(3600, "3600")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Numbers_AreWrittenInTheirShortestRoundTripForm(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.Number(value));
}
