using System.Text.Json;

namespace Ensemble.Cluster.Tests.Metrics;

/// <summary>The PromQL of deploy/grafana/ensemble.json: every target's <c>expr</c> of every panel, rows' nested panels included.</summary>
internal static class Dashboard
{
    /// <summary>(panel title, expression) for every target.</summary>
    public static IReadOnlyList<(string Panel, string Expr)> Expressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Tools.RepositoryFile("deploy/grafana/ensemble.json")));
        var found = new List<(string, string)>();
        Walk(dashboard.RootElement.GetProperty("panels"), found);
        return found;
    }

    /// <summary>
    /// <paramref name="expr"/> with the dashboard's variables as Grafana would fill them for this test: every job is
    /// <paramref name="job"/>, every run (<c>.*</c>, the variable's "All"), and a rate window of 15 s (four 1 s scrapes and then some).
    /// </summary>
    public static string Substitute(string expr, string job) => expr
        .Replace("$__rate_interval", "15s", StringComparison.Ordinal)
        .Replace("${job}", job, StringComparison.Ordinal).Replace("$job", job, StringComparison.Ordinal)
        .Replace("${run}", ".*", StringComparison.Ordinal).Replace("$run", ".*", StringComparison.Ordinal);

    private static void Walk(JsonElement panels, List<(string, string)> found)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            var title = panel.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            if (panel.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateArray())
                {
                    if (target.TryGetProperty("expr", out var expr)) found.Add((title, expr.GetString()!));
                }
            }

            if (panel.TryGetProperty("panels", out var nested)) Walk(nested, found);
        }
    }
}
