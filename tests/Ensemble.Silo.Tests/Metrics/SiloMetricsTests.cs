using System.Net;
using System.Reflection;
using System.Text.Json;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Tests.Testing;

namespace Ensemble.Silo.Tests.Metrics;

/// <summary><c>/metrics</c> on a whole silo in this process: the families it serves, and what a run does to them.</summary>
public sealed class SiloMetricsTests
{
    private const string TwoTeachers = """
        name: metrics-run
        seed: 2
        data: {dataset: synthetic, synthetic: {train_per_class: 30, test_per_class: 10}}
        teachers:
          count: 2
          model: {kind: mlp, hidden: [8]}
          training: {epochs: 3, batch_size: 16}
        specialists: {count: 0}
        distillation:
          student: {kind: mlp, hidden: [4]}
          training: {epochs: 2, batch_size: 16}
        baseline: false
        """;

    /// <summary>Every family the silo serves, with its type.</summary>
    public static readonly TheoryData<string, string> Families = new()
    {
        { "target_info", "gauge" },
        { "ensemble_tasks", "gauge" },
        { "ensemble_runs", "gauge" },
        { "ensemble_task_duration_seconds", "histogram" },
        { "ensemble_train_samples_total", "counter" },
        { "ensemble_train_epochs_total", "counter" },
        { "ensemble_train_loss", "gauge" },
        { "ensemble_train_samples_per_second", "gauge" },
        { "ensemble_task_retries_total", "counter" },
        { "ensemble_task_failovers_total", "counter" },
        { "ensemble_task_starts_total", "counter" },
        { "ensemble_silo_slots", "gauge" },
        { "ensemble_silo_info", "gauge" },
        { "process_cpu_seconds_total", "counter" },
        { "process_resident_memory_bytes", "gauge" },
        { "process_start_time_seconds", "gauge" },
        { "process_open_fds", "gauge" },
        { "dotnet_gc_heap_bytes", "gauge" },
        { "dotnet_gc_collections_total", "counter" },
    };

    /// <summary>
    /// The families without a series on a silo that has run nothing yet, which the exporter leaves out: the per-task gauges
    /// (while a task trains here) and the attempts' durations (from the first attempt's end).
    /// </summary>
    private static readonly string[] WithoutSeriesAtStart = ["ensemble_train_loss", "ensemble_train_samples_per_second", "ensemble_task_duration_seconds"];

    /// <summary>The families of Orleans' own meter, which the silo serves too (silos, activations, messaging).</summary>
    private static bool IsOrleans(string family) => family.StartsWith("orleans_", StringComparison.Ordinal);

    [Fact]
    public async Task Metrics_Answers200WithoutAToken_InTextFormat004_WithEveryFamily_AndTheSilosStartingValues()
    {
        await using var silo = await InProcessSilo.StartAsync("metrics-a", token: "secret");

        using var response = await silo.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        using var guarded = await silo.Client.GetAsync("/api/v1/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, guarded.StatusCode);
        // The run and task counts come with the first read of the run index (every 2 s).
        var scrape = await silo.ScrapeUntilAsync(s => s.Samples.ContainsKey("ensemble_runs{state=\"queued\"}"), "the first read of the run index");
        Assert.Equal(Families.Select(f => ((string)f[0], (string)f[1])).Where(f => !WithoutSeriesAtStart.Contains(f.Item1)).Order(),
            scrape.Types.Where(t => !IsOrleans(t.Key)).Select(t => (t.Key, t.Value)).Order());
        Assert.Contains(scrape.Types.Keys, IsOrleans);
        Assert.Equal(1, scrape["ensemble_silo_info{silo=\"metrics-a\"}"]);
        Assert.Equal(1, scrape["ensemble_silo_slots{state=\"total\"}"]);
        Assert.Equal(0, scrape["ensemble_silo_slots{state=\"busy\"}"]);
        Assert.Equal(0, scrape["ensemble_task_failovers_total"]);
        Assert.Equal(0, scrape["ensemble_task_starts_total{kind=\"teacher\"}"]);
        Assert.Equal(0, scrape["ensemble_task_retries_total{kind=\"teacher\"}"]);
        Assert.Equal(0, scrape["ensemble_tasks{kind=\"teacher\",state=\"ready\"}"]);
        Assert.Equal(0, scrape["ensemble_runs{state=\"running\"}"]);
        Assert.InRange(scrape["process_start_time_seconds"], DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.InRange(scrape["process_resident_memory_bytes"], 1e6, 1e12);
        Assert.True(scrape["process_cpu_seconds_total"] > 0);
        Assert.True(scrape["process_open_fds"] > 3);
        Assert.True(scrape["dotnet_gc_heap_bytes"] > 0);
        // Every series names its meter.
        Assert.Contains("ensemble_silo_info{otel_scope_name=\"Ensemble.Silo\",silo=\"metrics-a\"} 1\n", scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScraperThatPrefersOpenMetrics_GetsOpenMetrics()
    {
        await using var silo = await InProcessSilo.StartAsync("metrics-o");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        // What Prometheus sends.
        request.Headers.TryAddWithoutValidation("Accept",
            "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2");

        using var response = await silo.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        // OpenMetrics names a counter's family without _total; its sample keeps it.
        Assert.Contains("# TYPE ensemble_task_starts counter\n", text, StringComparison.Ordinal);
        Assert.Contains("ensemble_task_starts_total{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TargetInfo_NamesTheServiceTheSiloAndTheBuild()
    {
        await using var silo = await InProcessSilo.StartAsync("metrics-t");

        var target = Assert.Single((await silo.ScrapeAsync()).SeriesOf("target_info"));

        Assert.Contains("service_name=\"ensemble-silo\"", target, StringComparison.Ordinal);
        Assert.Contains("service_instance_id=\"metrics-t\"", target, StringComparison.Ordinal);
        var version = typeof(SiloHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Contains($"service_version=\"{version}\"", target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoSilosInOneProcess_EachServesOnlyItsOwnMetrics()
    {
        var runner = new ScriptedRunner();
        await using var a = await InProcessSilo.StartAsync("metrics-one", runner: runner);
        await using var b = await InProcessSilo.StartAsync("metrics-two");

        // A run on the first silo: its teacher/0 holds the first silo's slot.
        await a.SubmitAsync(TwoTeachers);
        await runner.NextAsync();
        var one = await a.ScrapeUntilAsync(s => s.Samples.GetValueOrDefault("ensemble_silo_slots{state=\"busy\"}") == 1
            && s.Samples.GetValueOrDefault("ensemble_tasks{kind=\"teacher\",state=\"running\"}") == 1, "teacher/0 running on the first silo");
        var two = await b.ScrapeUntilAsync(s => s.Samples.ContainsKey("ensemble_runs{state=\"queued\"}"), "the second silo's first read of its run index");

        Assert.Equal(["ensemble_silo_info{silo=\"metrics-one\"}"], one.SeriesOf("ensemble_silo_info"));
        Assert.Equal(["ensemble_silo_info{silo=\"metrics-two\"}"], two.SeriesOf("ensemble_silo_info"));
        // Nothing of the first silo's run is counted by the second.
        Assert.Equal(0, two["ensemble_silo_slots{state=\"busy\"}"]);
        Assert.Equal(0, two["ensemble_tasks{kind=\"teacher\",state=\"running\"}"]);
        Assert.Equal(0, two["ensemble_runs{state=\"running\"}"]);
        Assert.Equal(1, one["ensemble_runs{state=\"running\"}"]);
    }

    [Fact]
    public async Task ARun_MovesClaimsEpochsSamplesAndDurations_ByWhatItDid()
    {
        await using var silo = await InProcessSilo.StartAsync("metrics-b");
        var runId = await silo.SubmitAsync(TwoTeachers);

        // Succeeded in the run index, the last attempt's duration recorded, and its slot given back.
        var scrape = await silo.ScrapeUntilAsync(
            s => s.Samples.GetValueOrDefault("ensemble_runs{state=\"succeeded\"}") == 1 && s.Samples.GetValueOrDefault("ensemble_tasks{kind=\"report\",state=\"succeeded\"}") == 1
                && s.Samples.GetValueOrDefault("ensemble_task_duration_seconds_count{kind=\"report\",outcome=\"succeeded\"}") == 1
                && s.Samples.GetValueOrDefault("ensemble_silo_slots{state=\"busy\"}", -1.0) == 0,
            "the run succeeding");

        // Five tasks, each started once and succeeded once: teacher/0, teacher/1, aggregate, distill, report.
        var starts = new Dictionary<string, double> { ["teacher"] = 2, ["aggregate"] = 1, ["distill"] = 1, ["report"] = 1, ["cluster"] = 0, ["specialist"] = 0, ["baseline"] = 0 };
        foreach (var (kind, count) in starts)
        {
            Assert.Equal(count, scrape[$"ensemble_task_starts_total{{kind=\"{kind}\"}}"]);
            Assert.Equal(count, scrape.Samples.GetValueOrDefault($"ensemble_task_duration_seconds_count{{kind=\"{kind}\",outcome=\"succeeded\"}}"));
            Assert.Equal(count, scrape[$"ensemble_tasks{{kind=\"{kind}\",state=\"succeeded\"}}"]);
        }

        Assert.Equal("histogram", scrape.Types["ensemble_task_duration_seconds"]);
        Assert.Equal(2, scrape["ensemble_task_duration_seconds_bucket{kind=\"teacher\",outcome=\"succeeded\",le=\"+Inf\"}"]);
        Assert.Equal(1, scrape["ensemble_runs{state=\"succeeded\"}"]);
        Assert.Equal(0, scrape["ensemble_task_retries_total{kind=\"teacher\"}"]);
        Assert.Equal(0, scrape["ensemble_task_failovers_total"]);
        Assert.Equal(0, scrape["ensemble_silo_slots{state=\"busy\"}"]);
        // The run is over: no task trains here, so the per-task gauges have no series.
        Assert.Empty(scrape.SeriesOf("ensemble_train_loss{"));
        Assert.Empty(scrape.SeriesOf("ensemble_train_samples_per_second{"));

        // Two teachers of 3 epochs each.
        Assert.Equal(6, scrape["ensemble_train_epochs_total{kind=\"teacher\"}"]);
        var tasks = (await silo.Runs.GetAsync(runId, CancellationToken.None))!.Tasks;
        var teachers = tasks.Where(t => t.Kind == "teacher").ToList();
        // Each epoch passes over every training example once.
        var examples = teachers.Sum(t => int.Parse(JsonDocument.Parse(t.ResultJson!).RootElement.GetProperty("values").GetProperty("examples").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3 * examples, scrape["ensemble_train_samples_total{kind=\"teacher\"}"]);
        // The teachers' attempts took about as long as their run saw them running (placement to completion), in seconds.
        // An attempt's clock also runs while its completion is recorded (the run's write, and its placing the next task), so
        // it may run a little longer: up to a second per attempt on a loaded machine.
        var stored = teachers.Sum(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalSeconds);
        Assert.InRange(scrape["ensemble_task_duration_seconds_sum{kind=\"teacher\",outcome=\"succeeded\"}"], stored - 0.5, stored + 2.0);
    }

    [Fact]
    public async Task ATrainingTask_HasLossAndThroughputSeriesWhileItTrains_ThatGoWhenItIsCancelled()
    {
        await using var silo = await InProcessSilo.StartAsync("metrics-c");
        // Long enough to be cancelled mid-training within the default epoch limit (1000): more data per epoch instead of more epochs.
        var spec = TwoTeachers.Replace("count: 2", "count: 1").Replace("epochs: 3", "epochs: 1000").Replace("train_per_class: 30", "train_per_class: 200");
        var runId = await silo.SubmitAsync(spec);
        var loss = $"ensemble_train_loss{{run=\"{runId}\",task=\"teacher/0\"}}";

        var training = await silo.ScrapeUntilAsync(s => s.Samples.ContainsKey(loss), "teacher/0 reporting an epoch");

        Assert.InRange(training[loss], 1e-6, 100);
        Assert.InRange(training[$"ensemble_train_samples_per_second{{run=\"{runId}\",task=\"teacher/0\"}}"], 1, 1e9);
        Assert.Equal(1, training["ensemble_silo_slots{state=\"busy\"}"]);
        Assert.True(training["ensemble_train_epochs_total{kind=\"teacher\"}"] >= 1);
        Assert.Equal("gauge", training.Types["ensemble_train_loss"]);
        Assert.Equal("gauge", training.Types["ensemble_train_samples_per_second"]);

        using var cancel = await silo.Client.PostAsync($"/api/v1/runs/{runId}/cancel", null);
        Assert.True(cancel.IsSuccessStatusCode);
        // The attempt records its outcome, then its slot frees itself.
        var after = await silo.ScrapeUntilAsync(s => s.Samples.ContainsKey("ensemble_task_duration_seconds_count{kind=\"teacher\",outcome=\"cancelled\"}") &&
            s["ensemble_silo_slots{state=\"busy\"}"] == 0, "the cancelled attempt ending and freeing its slot");

        Assert.Equal(1, after["ensemble_task_duration_seconds_count{kind=\"teacher\",outcome=\"cancelled\"}"]);
        Assert.Empty(after.SeriesOf("ensemble_train_loss{"));
        Assert.Empty(after.SeriesOf("ensemble_train_samples_per_second{"));
    }
}
