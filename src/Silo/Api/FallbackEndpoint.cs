using Ensemble.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ensemble.Silo.Api;

/// <summary>Any other path under <c>/api/v1</c>: 404 with an <see cref="Contracts.Api.ApiProblem"/>, like every other error.</summary>
internal static class FallbackEndpoint
{
    /// <summary>Maps the catch-all (the lowest-precedence route) onto <paramref name="api"/>.</summary>
    public static void Map(RouteGroupBuilder api) => api.Map("/{**path}", (HttpContext context) =>
        ApiResults.Problem(StatusCodes.Status404NotFound,
            $"no API endpoint {UntrustedText.Bare(context.Request.Method)} {UntrustedText.Bare($"{context.Request.PathBase}{context.Request.Path}")}"));
}
