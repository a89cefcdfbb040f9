using System.Net;
using Ensemble.Contracts.Access;
using Ensemble.Contracts.Grains;
using Ensemble.Silo.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Ensemble.Silo.Tests.Access;

/// <summary>A silo with a token serves Orleans clients at its gateway only when they send it; its own hosted client needs none.</summary>
public sealed class ClientTokenTests
{
    [Fact]
    public async Task A_gateway_client_is_refused_every_grain_without_the_token_and_served_with_it_while_the_silo_itself_needs_none()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0, configure: o => o with { Token = "s3cret" });
        // The silo's own hosted client (the HTTP API, the failure watcher, metrics) is not asked.
        Assert.Empty(await silo.Grains.GetGrain<IRunIndexGrain>(0).List(10));
        var gateway = silo.Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress!.Endpoint;

        using var host = await StartClientAsync(gateway);
        var client = host.Services.GetRequiredService<IClusterClient>();
        var none = await Assert.ThrowsAsync<ClusterAccessDeniedException>(() => client.GetGrain<IRunIndexGrain>(0).List(10));
        Assert.Equal("the cluster requires a token and the client sent none", none.Message);
        // Orleans' own grains too: the management grain can deactivate and list everything.
        await Assert.ThrowsAsync<ClusterAccessDeniedException>(() => client.GetGrain<IManagementGrain>(0).GetHosts());

        RequestContext.Set(ClusterToken.RequestContextKey, "s3cre7");
        var wrong = await Assert.ThrowsAsync<ClusterAccessDeniedException>(() => client.GetGrain<ISiloDirectoryGrain>(0).List());
        Assert.Equal("the cluster refused the client's token", wrong.Message);

        RequestContext.Set(ClusterToken.RequestContextKey, "s3cret");
        Assert.Empty(await client.GetGrain<IRunIndexGrain>(0).List(10));
        Assert.Single(await client.GetGrain<ISiloDirectoryGrain>(0).List());
        RequestContext.Clear();
        await host.StopAsync();
    }

    [Fact]
    public async Task Without_a_token_configured_any_gateway_client_is_served()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var gateway = silo.Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress!.Endpoint;
        using var host = await StartClientAsync(gateway);
        Assert.Empty(await host.Services.GetRequiredService<IClusterClient>().GetGrain<IRunIndexGrain>(0).List(10));
        await host.StopAsync();
    }

    private static async Task<IHost> StartClientAsync(IPEndPoint gateway)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client => client
                .UseStaticClustering(gateway)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("ensemble", "ensemble")))
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        await host.StartAsync();
        return host;
    }
}
