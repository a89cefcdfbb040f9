using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Placement;
using Ensemble.Grains.Runs;
using Ensemble.Grains.Telemetry;
using Ensemble.Silo.Api;
using Ensemble.Silo.Access;
using Ensemble.Silo.Metrics;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Storage.Postgres;
using Ensemble.Silo.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;

namespace Ensemble.Silo.Hosting;

/// <summary>
/// Composes a silo process: an Orleans silo (localhost clustering and SQLite grain storage for <c>sqlite:</c>;
/// ADO.NET clustering, grain storage and reminders on PostgreSQL for <c>postgres://</c>), slot placement, the
/// failure watcher, the artifact store, the HTTP API and the metrics.
/// </summary>
public static class SiloHost
{
    /// <summary>Where the silo serves its metrics to Prometheus.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Checks the options, prepares the store (the PostgreSQL schema is applied, a newer one refused) and builds the
    /// silo's web application; run it with <c>RunAsync</c>. SIGTERM drains it: running tasks stop at their next
    /// checkpoint and are handed back to their runs, which place them on another silo.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static Task<WebApplication> BuildAsync(SiloOptions options, CancellationToken cancellationToken) =>
        BuildAsync(options, configureServices: null, cancellationToken);

    /// <summary>
    /// As <see cref="BuildAsync(SiloOptions, CancellationToken)"/>, with <paramref name="configureServices"/> run last
    /// over the silo's services (tests replace <see cref="IAttemptRunner"/> there).
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static async Task<WebApplication> BuildAsync(SiloOptions options, Action<IServiceCollection>? configureServices,
        CancellationToken cancellationToken)
    {
        Validate(options);
        var store = ClusterStore.Parse(options.Store);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddEnvironmentVariables(SiloLimitsConfiguration.EnvironmentPrefix);
        // Before anything is opened: invalid limits stop the silo with their name and nothing touched.
        var limits = SiloLimitsConfiguration.Read(builder.Configuration);
        // Read (and checked) before anything is opened too; the application disposes them when it stops.
        var tls = LoadTls(options);
        try
        {
            return await ComposeAsync(options, store, limits, tls, builder, configureServices, cancellationToken).ConfigureAwait(false);
        }
        catch when (tls is (var certificate, var authority))
        {
            certificate.Dispose();
            authority.Dispose();
            throw;
        }
    }

    private static async Task<WebApplication> ComposeAsync(SiloOptions options, ClusterStore store, SpecLimits limits,
        (X509Certificate2 Certificate, CertificateAuthority Authority)? tls, WebApplicationBuilder builder, Action<IServiceCollection>? configureServices,
        CancellationToken cancellationToken)
    {
        if (store.PostgresConnectionString is { } postgres) await OrleansPostgresSchema.ApplyAsync(postgres, cancellationToken).ConfigureAwait(false);
        // Held for the host's life (it disposes it): one silo per SQLite store.
        var storeLock = store.SqlitePath is { } sqlite ? SqliteStoreLock.Take(sqlite) : null;

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
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        // Placement retries log every attempt at information; the silo's start-up notes on server GC (off on purpose: 2-core nodes) are noise.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        builder.WebHost.UseUrls(options.Urls ?? "http://127.0.0.1:0");
        // Orleans gives each grain DeactivationTimeout to deactivate (a task grain drains in DrainTimeout); the host waits for all of it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(20));

        var siloPort = options.SiloPort == 0 ? FreePort() : options.SiloPort;
        var gatewayPort = options.GatewayPort == 0 ? FreePort() : options.GatewayPort;
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = "ensemble";
            });
            silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = options.EffectiveSiloId);
            if (store.SqlitePath is { } path)
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "ensemble", clusterId: options.ClusterId);
                silo.AddSqliteGrainStorage(StorageNames.Ensemble, o => o.DatabasePath = path);
                // One silo, so the reminders need not outlive it: on restart the failure watcher wakes every unfinished run.
                silo.UseInMemoryReminderService();
            }
            else
            {
                if (options.Kubernetes) silo.UseKubernetesHosting();
                else silo.ConfigureEndpoints(Advertised(options), siloPort, gatewayPort, listenOnAnyHostAddress: true);
                silo.UsePostgresCluster(store.PostgresConnectionString!, StorageNames.Ensemble);
            }

            if (tls is (var certificate, var authority)) silo.UseClusterTls(certificate, authority);
            silo.UseSiloMetadata(SiloSlotMetadata.Of(options.EffectiveSiloId, options.Slots, options.Urls));
#pragma warning disable ORLEANSEXP003 // Experimental, and measured here: the default directory deactivated healthy grains when an unrelated silo died.
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = options.ProbeTimeout;
                o.NumMissedProbesLimit = options.MissedProbesLimit;
            });
            // After a silo dies, the directory holds its range for this long before another silo may activate the grains
            // that lived there (default ~15 s more, measured here): the run, registry and index grains, so every failover
            // waited for it. A zombie activation is harmless to us: its state writes fail on the etag, and its task writes
            // on the fence.
            silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = options.DirectoryLease);
            silo.Services.AddPlacementDirector<SlotPlacement, SlotPlacementDirector>();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, options.SafetyNetPeriod.Ticks)));
            // Clients at the gateway present the API token too (the CLI's remote verbs); without one configured, anyone who reaches the port may.
            if (options.Token is { } token) silo.Services.AddSingleton<IIncomingGrainCallFilter>(new ClientTokenFilter(token));
            // Orleans' binary serializer for grain state (the default is Newtonsoft JSON with assembly-qualified type
            // names): the state types' [GenerateSerializer] ids are their stored format, as they are on the wire.
            silo.Services.AddKeyedSingleton<IGrainStorageSerializer>(StorageNames.Ensemble,
                (sp, _) => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
        });

        if (options.Threads is { } threads) TorchRuntime.Threads = threads;
        else if (options.Slots > 0) TorchRuntime.Threads = Math.Max(1, Environment.ProcessorCount / options.Slots);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(options.Clock);
        services.AddSiloMetrics(options.EffectiveSiloId, options.Slots);
        services.AddOptions<RunPolicy>().Configure(p => (p.RetryBackoff, p.SafetyNetPeriod) = (options.RetryBackoff, options.SafetyNetPeriod)).Validate(p =>
        {
            p.Validate();
            return true;
        }).ValidateOnStart();
        var execution = new TaskExecutionOptions { SiloName = options.EffectiveSiloId, DrainTimeout = options.DrainTimeout };
        execution.Validate();
        services.AddSingleton(execution);
        services.AddSingleton<SiloDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDrain>());
        services.AddSingleton(new ArtifactStore(options.Artifacts, options.Clock));
        services.AddSingleton(new RunDataCache());
        services.AddSingleton<IAttemptRunner, AttemptRunner>();
        services.AddSingleton<RunCatalog>();
        services.AddSingleton(limits);
        services.AddSingleton(sp => new RunSubmitter(sp.GetRequiredService<IGrainFactory>(), options.MaxAttempts, limits));
        services.AddSingleton(sp => new SiloReadiness(sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<ILocalSiloDetails>(),
            store.PostgresConnectionString is { } connection ? ct => PingPostgresAsync(connection, ct) : ct => PingSqliteAsync(sp, ct)));
        services.AddHostedService<FailureWatcher>();
        services.AddHostedService(sp => new RunCountReader(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<SiloMetrics>(),
            TimeSpan.FromSeconds(2), sp.GetRequiredService<ILogger<RunCountReader>>()));
        // A submitted body is a spec document, so the document's byte limit is the body's.
        services.AddSiloApi(new ApiOptions { Token = options.Token, Clock = options.Clock, MaxRequestBodyBytes = limits.Document.Bytes });

        configureServices?.Invoke(services);
        var app = builder.Build();
        if (storeLock is not null) app.Lifetime.ApplicationStopped.Register(storeLock.Dispose);
        if (tls is (var tlsCertificate, var tlsAuthority))
        {
            app.Lifetime.ApplicationStopped.Register(tlsCertificate.Dispose);
            app.Lifetime.ApplicationStopped.Register(tlsAuthority.Dispose);
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
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the silo is not listening yet; start it first");
        return new Uri(first.TrimEnd('/') + "/");
    }

    /// <summary>Where a started silo's Orleans gateway listens (clients connect there), with the real port when it was asked for port 0.</summary>
    public static IPEndPoint GatewayEndpoint(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress?.Endpoint
            ?? throw new InvalidOperationException("the silo has no gateway");
    }

    private static async Task PingPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task PingSqliteAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        ((SqliteGrainStorage)services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Ensemble)).PingAsync(cancellationToken);

    /// <summary>The silo's certificate and the authority its peers' must chain to, or null without <c>--tls-certificate</c>.</summary>
    private static (X509Certificate2 Certificate, CertificateAuthority Authority)? LoadTls(SiloOptions options)
    {
        if (options.TlsCertificate is not { } path) return null;
        var certificate = SiloCertificate.Load(path, options.TlsKey);
        try
        {
            var authority = CertificateAuthority.Load(options.TlsAuthority ?? path, options.TlsAuthority is null ? "--tls-certificate" : "--tls-ca");
            if (!authority.Issued(certificate))
            {
                authority.Dispose();
                throw new ArgumentException($"--tls-certificate: {CertificateAuthority.Describe(certificate)} is not issued by the authority in '{options.TlsAuthority ?? path}' "
                    + "(--tls-ca), so the other silos would refuse it");
            }

            return (certificate, authority);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    private static IPAddress Advertised(SiloOptions options)
    {
        if (options.AdvertisedAddress is { } text) return IPAddress.Parse(text);
        var host = Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        return host ?? IPAddress.Loopback;
    }

    /// <summary>A TCP port nothing listens on now (the OS picks it).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Validate(SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Slots < 0) throw new ArgumentException($"--slots: must be >= 0, not {options.Slots}");
        if (options.Threads is < 1) throw new ArgumentException($"--threads: must be >= 1, not {options.Threads}");
        if (options.MaxAttempts < 1) throw new ArgumentException($"--max-attempts: must be >= 1, not {options.MaxAttempts}");
        if (options.DrainTimeout < TimeSpan.Zero) throw new ArgumentException($"--drain-seconds: must be >= 0, not {options.DrainTimeout.TotalSeconds}");
        if (options.SiloPort is < 0 or > 65535) throw new ArgumentException($"--silo-port: must be a port (0 for a free one), not {options.SiloPort}");
        if (options.GatewayPort is < 0 or > 65535) throw new ArgumentException($"--gateway-port: must be a port (0 for a free one), not {options.GatewayPort}");
        if (options.SiloPort != 0 && options.SiloPort == options.GatewayPort)
        {
            throw new ArgumentException($"--gateway-port: must differ from --silo-port ({options.SiloPort})");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId)) throw new ArgumentException("--cluster-id: must not be empty");
        if (options.AdvertisedAddress is { } advertised && !IPAddress.TryParse(advertised, out _))
        {
            throw new ArgumentException($"--advertise: expected an IP address, got '{advertised}'");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero) throw new ArgumentException($"probe timeout must be positive, not {options.ProbeTimeout}");
        if (options.MissedProbesLimit < 1) throw new ArgumentException($"missed probes limit must be >= 1, not {options.MissedProbesLimit}");
        if (string.IsNullOrWhiteSpace(options.Artifacts)) throw new ArgumentException("--artifacts: a directory is required");
        if (File.Exists(options.Artifacts)) throw new ArgumentException($"--artifacts: '{options.Artifacts}' is a file, not a directory");
        if (options.TlsCertificate is null && (options.TlsKey ?? options.TlsAuthority) is not null)
        {
            throw new ArgumentException($"{(options.TlsKey is not null ? "--tls-key" : "--tls-ca")}: given without --tls-certificate, which turns TLS on");
        }

        if (options.Urls is { } urls && !urls.Split(';').All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new ArgumentException($"--urls: expected http://HOST:PORT (several separated by ';'), got '{urls}'");
        }
    }
}
