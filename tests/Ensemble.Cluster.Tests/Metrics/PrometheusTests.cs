using System.Globalization;
using System.Text.RegularExpressions;

namespace Ensemble.Cluster.Tests.Metrics;

/// <summary>
/// <c>/metrics</c> checked against the real thing: <c>promtool check metrics</c> on live silos' output after a run,
/// and a real Prometheus that scraped a two-silo cluster during the run answering every expression of the Grafana
/// dashboard, and telling the silos apart by the exporter's <c>target_info</c>.
/// </summary>
public sealed partial class PrometheusTests(MetricsRunFixture fixture) : IClassFixture<MetricsRunFixture>
{
    /// <summary>
    /// What promtool's linter says of Orleans' own instruments, which we serve as Orleans names them (no HELP: they
    /// have no descriptions; milliseconds and megabytes, their units; camelCase labels). Lint of any other family is not let through.
    /// </summary>
    private static readonly Regex OrleansOwnNaming = new(@"^orleans_[a-z0-9_]+ (no help text|use base unit ""[a-z]+"" instead of ""[a-z]+""|label names should be written in 'snake_case' not 'camelCase')$");

    [Fact]
    public async Task PromtoolCheckMetrics_AcceptsTheLiveOutput_OurFamiliesWithoutALintWarning()
    {
        var teachersSucceeded = 0;
        foreach (var silo in fixture.Silos)
        {
            using var http = new HttpClient { BaseAddress = silo.Url };
            var text = await http.GetStringAsync("/metrics");

            var (exitCode, output) = await Tools.RunAsync("promtool", text, "check", "metrics");

            // Exit 3 is lint only (1 would be a malformed exposition).
            var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !OrleansOwnNaming.IsMatch(l)).ToList();
            Assert.True(exitCode is 0 or 3 && problems.Count == 0,
                $"promtool check metrics on {silo.Id} exited {exitCode}:\n{string.Join('\n', problems)}\n--- the exposition:\n{text}");
            Assert.Contains("orleans_app_requests_latency_milliseconds", text);
            teachersSucceeded += TeacherSuccesses().Matches(text).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        // The run left its traces: not empty expositions that pass trivially. Its two teachers ran on one silo or both.
        Assert.Equal(2, teachersSucceeded);
    }

    [Fact]
    public async Task TargetInfo_NamesEverySiloScraped_ByItsId()
    {
        var silos = await fixture.Prometheus.QueryLabelAsync(
            $"target_info{{job=\"{PrometheusServer.Job}\",service_name=\"ensemble-silo\"}}", "service_instance_id");

        Assert.Equal(fixture.Silos.Select(s => s.Id).Order(StringComparer.Ordinal), silos.Order(StringComparer.Ordinal));
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

    [GeneratedRegex("""^ensemble_task_duration_seconds_bucket\{[^}]*kind="teacher",outcome="succeeded",le="\+Inf"\} (\d+)$""", RegexOptions.Multiline)]
    private static partial Regex TeacherSuccesses();
}
