using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ensemble.Silo.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Ensemble.Silo.Tests.Storage.Postgres;

/// <summary>
/// Two silos (plain generic hosts with <see cref="PostgresClusterSiloBuilderExtensions.UsePostgresCluster"/>) started
/// at once on a fresh schema (applied first, as <c>SiloHost</c> does), and a client that finds them through
/// <see cref="PostgresClusterClientBuilderExtensions.UsePostgresClustering"/>.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresTestSchema? _schema;
    private IHost? _clientHost;

    /// <summary>The schema the cluster keeps its state in.</summary>
    internal PostgresTestSchema Schema => _schema ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>The cluster's id (the membership table's DeploymentId).</summary>
    public string ClusterId { get; } = $"cluster-{Guid.NewGuid():N}";

    /// <summary>The service id grain state and reminders are kept under.</summary>
    public string ServiceId { get; } = $"service-{Guid.NewGuid():N}";

    /// <summary>The two silos' hosts.</summary>
    public IReadOnlyList<IHost> Silos { get; private set; } = [];

    /// <summary>The client.</summary>
    public IClusterClient Client => _clientHost?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _schema = await PostgresTestSchema.CreateAsync("orleans_cluster_test");
        await OrleansPostgresSchema.ApplyAsync(Schema.ConnectionString);
        Silos = [BuildSilo(Schema.ConnectionString, ClusterId, ServiceId), BuildSilo(Schema.ConnectionString, ClusterId, ServiceId)];
        await Task.WhenAll(Silos.Select(s => s.StartAsync()));
        await WaitUntilEachSeesActiveAsync(Silos, 2);

        _clientHost = Host.CreateDefaultBuilder()
            .UseOrleansClient(client => client
                .UsePostgresClustering(Schema.ConnectionString)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId)))
            .ConfigureLogging(QuietLogging)
            .Build();
        await _clientHost.StartAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_clientHost is not null) await StopAsync(_clientHost);
        await Task.WhenAll(Silos.Select(StopAsync));
        if (_schema is not null) await _schema.DisposeAsync();
    }

    /// <summary>
    /// A silo host of <paramref name="clusterId"/> on free loopback ports, its state in the database at
    /// <paramref name="connectionString"/>, with membership timings short enough for tests.
    /// </summary>
    public static IHost BuildSilo(string connectionString, string clusterId, string serviceId)
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        return Host.CreateDefaultBuilder()
            .UseOrleans(silo => silo
                .UsePostgresCluster(connectionString, PostgresClusterTests.StorageName)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId))
                .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort)
                .Configure<ClusterMembershipOptions>(o =>
                {
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                }))
            .ConfigureLogging(QuietLogging)
            .Build();
    }

    private static void QuietLogging(ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Warning);

    private static async Task WaitUntilEachSeesActiveAsync(IEnumerable<IHost> silos, int count)
    {
        var clock = Stopwatch.StartNew();
        while (!silos.All(s => s.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
                   .Count(m => m.Status == SiloStatus.Active) == count))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"the silos did not each see {count} active silos in 30 s");
            await Task.Delay(100);
        }
    }

    private static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
