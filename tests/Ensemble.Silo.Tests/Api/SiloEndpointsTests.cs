using System.Net;
using Ensemble.Contracts.Api;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Tests.Storage.Postgres;
using Ensemble.Silo.Tests.Testing;

namespace Ensemble.Silo.Tests.Api;

/// <summary><c>GET /api/v1/silos</c>: the silos membership knows, with their slots and the tasks on them.</summary>
public sealed class SiloEndpointsTests
{
    [Fact]
    public async Task A_silo_lists_itself_alive_with_its_slots_and_the_tasks_running_on_them()
    {
        var runner = new ScriptedRunner();
        await using var host = await ApiHost.StartAsync(slots: 2, runner: runner);
        var startedBefore = DateTimeOffset.UtcNow;
        var runId = await host.SubmitRunAsync();
        await runner.AttemptOfAsync(runId, "teacher/0");
        await runner.AttemptOfAsync(runId, "teacher/1");

        using var response = await host.Client.GetAsync("/api/v1/silos");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var silo = Assert.Single(await response.ReadJsonAsync<List<SiloView>>());
        Assert.Equal(("test-silo", 2, false, true), (silo.Id, silo.Slots, silo.Stopped, silo.Alive));
        Assert.False(string.IsNullOrEmpty(silo.Host));
        Assert.StartsWith("http://127.0.0.1:", silo.Url, StringComparison.Ordinal);
        Assert.Equal([$"{runId}:teacher/0", $"{runId}:teacher/1"], silo.RunningTasks);
        Assert.True(silo.StartedAt < startedBefore, $"started {silo.StartedAt:O}");
        // Its last I-am-alive in membership: after its start, not in the future.
        Assert.InRange(silo.HeartbeatAt, silo.StartedAt, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_silo_without_slots_is_listed_alive_with_no_slots_and_no_tasks()
    {
        await using var host = await ApiHost.StartAsync(slots: 0);
        await host.SubmitRunAsync();

        var silo = Assert.Single(await (await host.Client.GetAsync("/api/v1/silos")).ReadJsonAsync<List<SiloView>>());

        Assert.Equal((0, true, false), (silo.Slots, silo.Alive, silo.Stopped));
        Assert.Empty(silo.RunningTasks);
    }

    [Fact]
    public async Task A_silo_that_left_the_cluster_is_listed_stopped_and_not_alive_by_the_others()
    {
        await using var schema = await PostgresTestSchema.CreateAsync("silo_endpoints");
        var cluster = $"cluster-{Guid.NewGuid():N}";
        Func<SiloOptions, SiloOptions> member(string id, int slots) => o => o with
        {
            Store = schema.ConnectionString, ClusterId = cluster, SiloId = id, AdvertisedAddress = "127.0.0.1", Slots = slots,
        };
        await using var a = await TestSilo.StartAsync(configure: member("silo-a", 2));
        var b = await TestSilo.StartAsync(configure: member("silo-b", 1));
        try
        {
            var both = await WaitForSilosAsync(a, list => list.Count == 2 && list.All(s => s.Alive));
            Assert.Equal(["silo-a", "silo-b"], both.Select(s => s.Id));
            Assert.Equal([2, 1], both.Select(s => s.Slots));

            await b.StopAsync();

            var after = await WaitForSilosAsync(a, list => list.Any(s => s.Id == "silo-b" && s.Stopped));
            var gone = after.Single(s => s.Id == "silo-b");
            Assert.Equal((true, false), (gone.Stopped, gone.Alive));
            Assert.Empty(gone.RunningTasks);
            Assert.Equal((false, true), (after.Single(s => s.Id == "silo-a").Stopped, after.Single(s => s.Id == "silo-a").Alive));
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    private static async Task<List<SiloView>> WaitForSilosAsync(TestSilo silo, Func<List<SiloView>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var silos = await (await silo.Client.GetAsync("/api/v1/silos")).ReadJsonAsync<List<SiloView>>();
            if (condition(silos)) return silos;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"silos not as expected in 30 s: {string.Join(", ", silos)}");
            await Task.Delay(100);
        }
    }
}
