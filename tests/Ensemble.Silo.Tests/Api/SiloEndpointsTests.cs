using System.Net;
using Ensemble.Contracts.Api;
using Ensemble.Silo.Api;
using Ensemble.Silo.Tests.Store;

namespace Ensemble.Silo.Tests.Api;

public sealed class SiloEndpointsTests
{
    [Fact]
    public async Task Silos_are_alive_only_when_running_with_a_recent_heartbeat()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var storeClock = new ManualClock(now - TimeSpan.FromMinutes(5));
        await using var host = await ApiHost.StartAsync(new ApiOptions { Clock = new ManualClock(now) }, storeClock);
        var ct = CancellationToken.None;
        // silo-c last beat 5 minutes ago; silo-a and silo-b just now, and silo-b then stopped.
        await host.Store.RegisterSiloAsync("silo-c", "host-c", null, 1, ct);
        storeClock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(10));
        await host.Store.RegisterSiloAsync("silo-a", "host-a", "http://host-a:5000", 2, ct);
        await host.Store.RegisterSiloAsync("silo-b", "host-b", "http://host-b:5000", 1, ct);
        await host.Store.StopSiloAsync("silo-b", ct);
        var runId = await host.SubmitRunAsync();
        var claim = (await host.Store.ClaimAsync("silo-a", TimeSpan.FromMinutes(1), ct))!;

        using var response = await host.Client.GetAsync("/api/v1/silos");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var silos = (await response.ReadJsonAsync<List<SiloView>>()).ToDictionary(s => s.Id);
        Assert.Equal(["silo-a", "silo-b", "silo-c"], silos.Keys.Order());
        var a = silos["silo-a"];
        Assert.Equal(("host-a", "http://host-a:5000", 2, false, true), (a.Host, a.Url, a.Slots, a.Stopped, a.Alive));
        Assert.Equal([$"{runId}:{claim.Lease.TaskId}"], a.RunningTasks);
        Assert.Equal(now - TimeSpan.FromSeconds(10), a.HeartbeatAt);
        Assert.Equal((true, false), (silos["silo-b"].Stopped, silos["silo-b"].Alive));
        Assert.Equal((false, false), (silos["silo-c"].Stopped, silos["silo-c"].Alive));
        Assert.Null(silos["silo-c"].Url);
        Assert.Empty(silos["silo-c"].RunningTasks);
    }

    [Fact]
    public async Task A_heartbeat_exactly_one_window_old_is_still_alive()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var window = TimeSpan.FromSeconds(30);
        await using var host = await ApiHost.StartAsync(new ApiOptions { Clock = new ManualClock(now), SiloAliveWindow = window },
            new ManualClock(now - window));
        await host.Store.RegisterSiloAsync("edge", "h", null, 1, CancellationToken.None);

        var silo = Assert.Single(await (await host.Client.GetAsync("/api/v1/silos")).ReadJsonAsync<List<SiloView>>());
        Assert.True(silo.Alive);
    }
}
