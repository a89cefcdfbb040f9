namespace Ensemble.Cluster.Tests.Metrics;

/// <summary>
/// <c>/metrics</c> checked against the real thing: <c>promtool check metrics</c> on a live silo's output after a run,
/// and a real Prometheus that scraped the silo during the run answering every expression of the Grafana dashboard.
/// </summary>
public sealed class PrometheusTests(MetricsRunFixture fixture) : IClassFixture<MetricsRunFixture>
{
    [Fact]
    public async Task PromtoolCheckMetrics_AcceptsTheLiveOutput_WithoutALintWarning()
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.Url };
        var text = await http.GetStringAsync("/metrics");

        var (exitCode, output) = await Tools.RunAsync("promtool", text, "check", "metrics");

        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"promtool check metrics exited {exitCode}:\n{output}\n--- the exposition:\n{text}");
        // The run left its traces: not an empty exposition that passes trivially.
        Assert.Contains("ensemble_task_duration_seconds_bucket{kind=\"teacher\",outcome=\"succeeded\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryDashboardExpression_ReturnsData_FromAPrometheusThatScrapedTheRun()
    {
        var expressions = Dashboard.Expressions();
        Assert.True(expressions.Count >= 20, $"only {expressions.Count} expressions found in the dashboard");

        var problems = new List<string>();
        foreach (var (panel, expr) in expressions)
        {
            var query = Dashboard.Substitute(expr, PrometheusServer.Job);
            var (status, error, series) = await fixture.Prometheus.QueryRangeAsync(query, fixture.Window.Start, fixture.Window.End);
            if (status != "success") problems.Add($"{panel}: {query}: {status} {error}");
            else if (series == 0) problems.Add($"{panel}: {query}: no data over the run");
        }

        Assert.True(problems.Count == 0, $"{problems.Count} of {expressions.Count} dashboard expressions failed (set-up took {fixture.SetUp.TotalSeconds:F1} s):\n" +
            string.Join('\n', problems) + $"\n--- prometheus:\n{fixture.Prometheus.Output}");
    }
}
