using System.Net;
using System.Net.Sockets;
using Ensemble.Silo.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Ensemble.Silo.Tests.Storage.Sqlite;

/// <summary>
/// A real single Orleans silo in this process, on localhost clustering with free ports, whose grain storage
/// <see cref="StorageName"/> is a <see cref="SqliteGrainStorage"/> on a given file.
/// </summary>
internal sealed class SqliteSilo : IAsyncDisposable
{
    /// <summary>The storage name the test grains use.</summary>
    public const string StorageName = "ensemble";

    private readonly IHost _host;

    private SqliteSilo(IHost host, string storageName)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Storage = (SqliteGrainStorage)host.Services.GetRequiredKeyedService<IGrainStorage>(storageName);
    }

    /// <summary>Calls grains on this silo.</summary>
    public IGrainFactory Grains { get; }

    /// <summary>The provider as the silo registered it.</summary>
    public SqliteGrainStorage Storage { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts a silo whose storage <paramref name="storageName"/> is on <paramref name="databasePath"/>, with
    /// <paramref name="configure"/> applied to the silo builder after the storage is added.
    /// </summary>
    public static async Task<SqliteSilo> StartAsync(string databasePath, string storageName = StorageName, Action<ISiloBuilder>? configure = null)
    {
        var host = Build(storageName, options => options.DatabasePath = databasePath, configure);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new SqliteSilo(host, storageName);
    }

    /// <summary>A silo host, not started, whose storage <paramref name="storageName"/> is configured by <paramref name="configure"/>.</summary>
    public static IHost Build(string storageName, Action<SqliteGrainStorageOptions> configure, Action<ISiloBuilder>? configureSilo = null)
    {
        var id = Guid.NewGuid().ToString("N");
        return new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: id, clusterId: id)
                    .AddSqliteGrainStorage(storageName, configure);
                configureSilo?.Invoke(silo);
            })
            .Build();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
