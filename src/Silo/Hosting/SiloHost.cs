using Ensemble.Silo.Api;
using Ensemble.Silo.Artifacts;
using Ensemble.Silo.Metrics;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Hosting;

/// <summary>Composes a silo process: the store, the artifact store, the HTTP API, the metrics and the task slots.</summary>
public static class SiloHost
{
    /// <summary>Where the silo serves its metrics to Prometheus.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Opens the store (migrating its schema), and builds the silo's web application; run it with
    /// <c>RunAsync</c>. SIGTERM drains it (see <see cref="SiloService"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static async Task<WebApplication> BuildAsync(SiloOptions options, CancellationToken cancellationToken)
    {
        Validate(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddEnvironmentVariables(SiloLimitsConfiguration.EnvironmentPrefix);
        // Before the store opens: invalid limits stop the silo with their name and nothing touched.
        var limits = SiloLimitsConfiguration.Read(builder.Configuration);
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls(options.Urls ?? "http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(20));
        builder.Services.AddSingleton(options);
        builder.Services.AddSiloMetrics(options.EffectiveSiloId, options.Slots);
        // Factory registrations, so the host disposes the store (and it is opened only once the metrics that time it listen).
        builder.Services.AddSingleton<ITaskStore>(sp => new TimedTaskStore(
            TaskStoreFactory.Open(options.Store, new TaskStoreOptions { Clock = options.Clock }), sp.GetRequiredService<SiloMetrics>()));
        builder.Services.AddSingleton(sp => new ArtifactStore(options.Artifacts, sp.GetRequiredService<ITaskStore>(), options.Clock));
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton(sp => new RunSubmitter(sp.GetRequiredService<ITaskStore>(), options.MaxAttempts, limits));
        // A submitted body is a spec document, so the document's byte limit is the body's.
        builder.Services.AddSiloApi(new ApiOptions { Token = options.Token, Clock = options.Clock, MaxRequestBodyBytes = limits.Document.Bytes });
        builder.Services.AddSingleton<SiloService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloService>());
        var app = builder.Build();
        try
        {
            await app.Services.GetRequiredService<ITaskStore>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.MapSiloApi();
        // At the root, outside the API's group: scrapers need no token.
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    /// <summary>
    /// Where a started silo listens: its first bound address, with the real port when it was asked for port 0 (an
    /// embedded silo, tests).
    /// </summary>
    public static Uri ListeningAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the silo is not listening yet; start it first");
        return new Uri(first.TrimEnd('/') + "/");
    }

    private static void Validate(SiloOptions options)
    {
        if (options.Slots < 0) throw new ArgumentException($"--slots: must be >= 0, not {options.Slots}");
        if (options.Threads is < 1) throw new ArgumentException($"--threads: must be >= 1, not {options.Threads}");
        if (options.MaxAttempts < 1) throw new ArgumentException($"--max-attempts: must be >= 1, not {options.MaxAttempts}");
        if (options.LeaseDuration < TimeSpan.FromSeconds(1)) throw new ArgumentException($"--lease-seconds: must be >= 1, not {options.LeaseDuration.TotalSeconds}");
        if (string.IsNullOrWhiteSpace(options.Artifacts)) throw new ArgumentException("--artifacts: a directory is required");
        if (File.Exists(options.Artifacts)) throw new ArgumentException($"--artifacts: '{options.Artifacts}' is a file, not a directory");
        if (options.Urls is { } urls && !urls.Split(';').All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new ArgumentException($"--urls: expected http://HOST:PORT (several separated by ';'), got '{urls}'");
        }
    }
}
