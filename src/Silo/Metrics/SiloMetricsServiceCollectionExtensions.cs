using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Ensemble.Grains.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Ensemble.Silo.Metrics;

/// <summary>Registers a silo's <see cref="SiloMetrics"/> and the OpenTelemetry pipeline that exports them to Prometheus.</summary>
public static class SiloMetricsServiceCollectionExtensions
{
    /// <summary>The <c>service.name</c> every silo reports (in Prometheus: <c>target_info{service_name}</c>).</summary>
    public const string ServiceName = "ensemble-silo";

    /// <summary>Orleans' own meter: silos, activations, request latency, membership.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// Registers <see cref="SiloMetrics"/> of silo <paramref name="siloId"/> with <paramref name="slots"/> slots, and an
    /// OpenTelemetry MeterProvider over its meter and Orleans' (<see cref="OrleansMeterName"/>) with the Prometheus exporter; the resource names the service
    /// (<see cref="ServiceName"/>), this build's version and the silo (<c>service.instance.id</c>). Serve it with
    /// <c>MapPrometheusScrapingEndpoint</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="siloId"/> is blank or <paramref name="slots"/> negative.</exception>
    public static IServiceCollection AddSiloMetrics(this IServiceCollection services, string siloId, int slots)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(siloId);
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        services.AddMetrics();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: Version(), autoGenerateServiceInstanceId: false,
                serviceInstanceId: siloId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SiloMetrics.MeterName, OrleansMeterName).AddPrometheusExporter();
                // The view needs this host's meter factory, known once the container is built: a deferred configuration.
                ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
                    builder.AddView(OnlyMetersOf(provider.GetRequiredService<IMeterFactory>())));
            });
        services.AddSingleton(provider =>
        {
            // The MeterProvider listens from its creation on, and what is measured before that is lost: the counters'
            // zeros, made with the instruments.
            provider.GetRequiredService<MeterProvider>();
            return new SiloMetrics(provider.GetRequiredService<IMeterFactory>(), siloId, slots);
        });
        return services;
    }

    /// <summary>
    /// A view that drops the instruments of every other host's <see cref="SiloMetrics.MeterName"/> meter: a MeterProvider
    /// listens to meters by name, process-wide, and silos sharing a process must each export only their own.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OnlyMetersOf(IMeterFactory factory) => instrument =>
        instrument.Meter.Name == SiloMetrics.MeterName && !ReferenceEquals(instrument.Meter.Scope, factory) ? MetricStreamConfiguration.Drop : null;

    /// <summary>This build's version (<c>1.0.0+COMMIT</c> when built from a git checkout).</summary>
    private static string? Version() =>
        typeof(SiloMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}
