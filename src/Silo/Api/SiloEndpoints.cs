using Ensemble.Silo.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Ensemble.Silo.Api;

/// <summary><c>GET /api/v1/silos</c>: every silo the store knows, and whether it is alive.</summary>
internal static class SiloEndpoints
{
    /// <summary>Maps the endpoint onto <paramref name="api"/>.</summary>
    public static void Map(RouteGroupBuilder api) => api.MapGet("/silos", ListAsync);

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] RunCatalog runs)
    {
        var silos = await runs.ListSilosAsync(context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Json(silos.Select(ApiViews.Silo).ToList());
    }
}
