using System.Diagnostics;

namespace Ensemble.Cluster.Tests.Metrics;

/// <summary>
/// Two real <c>ensemble silo</c> processes sharing PostgreSQL, a real Prometheus scraping both every second, and one
/// small run through the cluster from submission to success, with the window it ran in: what the metrics tests look at.
/// </summary>
public sealed class MetricsRunFixture : IAsyncLifetime
{
    /// <summary>Two teachers that each train for a few seconds (3-5 s here: several 1 s scrapes see their loss), a student, a report.</summary>
    private const string Spec = """
        name: metrics-e2e
        seed: 4
        data:
          dataset: synthetic
          validation_fraction: 0.2
          synthetic: {train_per_class: 300, test_per_class: 30}
        teachers:
          count: 2
          model: {kind: mlp, hidden: [384, 384]}
          training: {epochs: 24, batch_size: 64}
        specialists: {count: 0}
        distillation:
          student: {kind: mlp, hidden: [16]}
          training: {epochs: 3, batch_size: 64}
          transfer: {fraction: 0.2}
        baseline: false
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-metrics-e2e-").FullName;
    private readonly List<SiloProcess> _silos = [];
    private TestPostgres? _postgres;
    private PrometheusServer? _prometheus;

    /// <summary>The silos, <c>metrics-a</c> (which the run was submitted to) and <c>metrics-b</c>.</summary>
    internal IReadOnlyList<SiloProcess> Silos => _silos;

    internal PrometheusServer Prometheus => _prometheus!;

    /// <summary>From just before the run was submitted to after Prometheus had scraped its end.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Window { get; private set; }

    /// <summary>How long setting all this up took.</summary>
    public TimeSpan SetUp { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        Tools.Require("promtool");
        Tools.Require("prometheus");
        _postgres = await TestPostgres.CreateAsync();
        foreach (var id in new[] { "metrics-a", "metrics-b" })
        {
            _silos.Add(await SiloProcess.StartAsync(id, _postgres.ConnectionString, Path.Combine(_directory, "artifacts")));
        }

        _prometheus = await PrometheusServer.StartAsync([.. _silos.Select(s => s.Url.Authority)]);
        await _prometheus.WaitForAsync($"sum(up{{job=\"{PrometheusServer.Job}\"}})", _silos.Count, TimeSpan.FromSeconds(20));

        var start = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(2);
        using var api = new RunWatcher(_silos[0].Url);
        var runId = await api.SubmitAsync(Spec);
        var run = await api.WaitAsync(runId, r => RunWatcher.State(r) is "succeeded" or "failed", TimeSpan.FromMinutes(2), "the run finishing");
        Assert.True(RunWatcher.State(run) == "succeeded",
            $"the run {RunWatcher.State(run)}:\n{run}\n{string.Join("\n", _silos.Select(s => $"--- {s.Id}:\n{s.Output}"))}");
        // The silos read the run index every 2 s, Prometheus scrapes every second: wait until it has seen the end.
        await _prometheus.WaitForAsync($"max(ensemble_runs{{job=\"{PrometheusServer.Job}\",state=\"succeeded\"}})", 1, TimeSpan.FromSeconds(20));
        // Every attempt's duration (2 teachers, aggregate, distill, report) scraped, then a few more scrapes: a
        // histogram series first appears when its first attempt ends, and rate() needs two samples of it. A run
        // this short otherwise ended the window one scrape after the report's series appeared.
        await _prometheus.WaitForAsync($"sum(ensemble_task_duration_seconds_count{{job=\"{PrometheusServer.Job}\"}})", 5, TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Window = (start, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        SetUp = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null) await _prometheus.DisposeAsync();
        foreach (var silo in _silos) silo.Dispose();
        if (_postgres is not null) await _postgres.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
