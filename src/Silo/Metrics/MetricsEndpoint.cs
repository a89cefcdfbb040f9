using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ensemble.Silo.Metrics;

/// <summary><c>GET /metrics</c>: the silo's <see cref="SiloMetrics"/> in the Prometheus text format, open without a token (for scrapers).</summary>
internal static class MetricsEndpoint
{
    /// <summary>Maps the endpoint onto the root of <paramref name="endpoints"/>.</summary>
    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/metrics", (HttpContext context) =>
        context.RequestServices.GetService<SiloMetrics>() is { } metrics
            ? Results.Text(metrics.Scrape(), PrometheusTextWriter.ContentType)
            : Results.Text("this host records no metrics (no SiloMetrics registered)\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound));
}
