using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ensemble.Silo.Api;

/// <summary>Maps the silo's HTTP API (ARCHITECTURE §6).</summary>
public static class SiloApiEndpointRouteBuilderExtensions
{
    /// <summary>The prefix of every API endpoint.</summary>
    public const string Prefix = "/api/v1";

    /// <summary>
    /// Maps <c>/healthz</c> and <c>/readyz</c> at the root (always open) and the API under <c>/api/v1</c>, guarded by
    /// the bearer token when <see cref="ApiOptions.Token"/> is set. Needs <see cref="SiloApiServiceCollectionExtensions.AddSiloApi"/>.
    /// </summary>
    /// <returns>The group under <c>/api/v1</c>, for further conventions.</returns>
    public static RouteGroupBuilder MapSiloApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        HealthEndpoints.Map(endpoints);

        var api = endpoints.MapGroup(Prefix);
        api.AddEndpointFilter<ApiExceptionFilter>();
        api.AddEndpointFilter<BearerTokenFilter>();
        RunEndpoints.Map(api);
        EventStreamEndpoint.Map(api);
        ArtifactEndpoints.Map(api);
        SiloEndpoints.Map(api);
        FallbackEndpoint.Map(api);
        return api;
    }
}
