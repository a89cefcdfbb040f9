using Microsoft.Extensions.DependencyInjection;

namespace Ensemble.Silo.Api;

/// <summary>Registers what the silo's HTTP API needs beyond the store, artifact store and submitter the host provides.</summary>
public static class SiloApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="options"/> (validated) for <see cref="SiloApiEndpointRouteBuilderExtensions.MapSiloApi"/>.
    /// The host registers <see cref="Runs.RunCatalog"/>, <see cref="Grains.Artifacts.ArtifactStore"/> and <see cref="Grains.Runs.RunSubmitter"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static IServiceCollection AddSiloApi(this IServiceCollection services, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new ArgumentException($"invalid API options: {string.Join("; ", problems)}", nameof(options));
        return services.AddSingleton(options);
    }
}
