using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Ensemble.Silo.Tests.Storage.Postgres;

/// <summary>
/// Real Orleans on the Ensemble schema: two silos and a client of one cluster (<see cref="PostgresClusterFixture"/>),
/// and a silo restarted on a cluster of its own.
/// </summary>
public sealed class PostgresClusterTests(PostgresClusterFixture cluster) : IClassFixture<PostgresClusterFixture>
{
    /// <summary>The grain storage's name.</summary>
    public const string StorageName = "ensemble";

    [Fact]
    public async Task Two_silos_starting_at_once_on_a_fresh_schema_form_a_cluster_each_seeing_both_active()
    {
        foreach (var silo in cluster.Silos)
        {
            var members = silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values;
            Assert.Equal(2, members.Count(m => m.Status == SiloStatus.Active));
        }

        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
        Assert.Equal(2L, await cluster.Schema.ScalarAsync<long>(
            $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{cluster.ClusterId}' AND Status = 3"));
    }

    [Fact]
    public async Task A_client_finds_a_gateway_in_the_membership_table_and_calls_a_grain()
    {
        var grain = cluster.Client.GetGrain<IClusterTestGrain>("via-client");

        await grain.SetAsync("hello");

        Assert.Equal("hello", await grain.GetAsync());
        Assert.Equal(1L, await cluster.Schema.ScalarAsync<long>(
            $"SELECT count(*) FROM OrleansStorage WHERE ServiceId = '{cluster.ServiceId}' AND GrainIdExtensionString = 'via-client'"));
    }

    [Fact]
    public async Task A_reminder_registered_by_a_grain_is_stored_in_the_reminders_table()
    {
        var grain = cluster.Client.GetGrain<IClusterTestGrain>("with-reminder");

        await grain.RegisterReminderAsync("hourly", TimeSpan.FromHours(1));

        Assert.True(await grain.HasReminderAsync("hourly"));
        Assert.Equal(3_600_000L, await cluster.Schema.ScalarAsync<long>(
            $"SELECT Period FROM OrleansRemindersTable WHERE ServiceId = '{cluster.ServiceId}' AND ReminderName = 'hourly'"));
    }

    [Fact]
    public async Task A_write_with_a_stale_or_missing_etag_through_the_storage_provider_fails()
    {
        var storage = cluster.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
        const string grainType = "stale-etag-test";
        var grainId = GrainId.Create(grainType, Guid.NewGuid().ToString("N"));
        var value = new ClusterTestState { Value = "first" };
        var current = new GrainState<ClusterTestState>(value);
        await storage.WriteStateAsync(grainType, grainId, current);
        var stale = new GrainState<ClusterTestState>(new ClusterTestState { Value = "stale" }) { ETag = current.ETag };
        value.Value = "second";
        await storage.WriteStateAsync(grainType, grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, stale));
        var fresh = new GrainState<ClusterTestState>(new ClusterTestState { Value = "as if new" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, fresh));

        var read = new GrainState<ClusterTestState>();
        await storage.ReadStateAsync(grainType, grainId, read);
        Assert.Equal(("second", "2", true), (read.State?.Value, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_restarted_silo_reads_back_persisted_state_and_prunes_its_dead_predecessor()
    {
        var (clusterId, serviceId) = ($"restart-{Guid.NewGuid():N}", $"restart-{Guid.NewGuid():N}");
        using (var first = PostgresClusterFixture.BuildSilo(cluster.Schema.ConnectionString, clusterId, serviceId))
        {
            await first.StartAsync();
            await first.Services.GetRequiredService<IGrainFactory>().GetGrain<IClusterTestGrain>("kept").SetAsync("before the restart");
            await first.StopAsync();
        }

        using var second = PostgresClusterFixture.BuildSilo(cluster.Schema.ConnectionString, clusterId, serviceId);
        await second.StartAsync();
        try
        {
            Assert.Equal("before the restart", await second.Services.GetRequiredService<IGrainFactory>().GetGrain<IClusterTestGrain>("kept").GetAsync());

            var statuses = $"SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = '{clusterId}' ORDER BY Status";
            Assert.Equal([3, 6], await cluster.Schema.ColumnAsync<int>(statuses));
            await second.Services.GetRequiredService<IMembershipTable>().CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.Equal([3], await cluster.Schema.ColumnAsync<int>(statuses));
        }
        finally
        {
            await second.StopAsync();
        }
    }
}
