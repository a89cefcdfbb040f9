using System.Net;
using Ensemble.Grains;
using Ensemble.Silo.Api;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace Ensemble.Silo.Tests.Api;

/// <summary><c>/healthz</c> and <c>/readyz</c> of a real silo: ready means an active member whose grain storage answers.</summary>
public sealed class HealthEndpointsTests
{
    /// <summary>
    /// Starts a silo whose readiness check pings its storage through <paramref name="ping"/>, given the silo's own
    /// ping (its SQLite grain storage's); null keeps the silo's own.
    /// </summary>
    private static Task<ApiHost> StartAsync(ApiOptions? options, Func<Func<CancellationToken, Task>, Func<CancellationToken, Task>>? ping) =>
        ApiHost.StartAsync(options, services: services =>
        {
            if (ping is null) return;
            services.AddSingleton(sp =>
            {
                var storage = (SqliteGrainStorage)sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.Ensemble);
                return new SiloReadiness(sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<ILocalSiloDetails>(),
                    ping(storage.PingAsync));
            });
        });

    [Fact]
    public async Task Healthz_answers_ok_without_a_token_and_without_the_storage()
    {
        var pings = 0;
        await using var host = await StartAsync(new() { Token = "secret" }, real => ct =>
        {
            Interlocked.Increment(ref pings);
            return real(ct);
        });

        using var response = await host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, pings);
    }

    [Fact]
    public async Task Readyz_answers_200_without_a_token_when_the_silo_is_active_and_its_storage_answers()
    {
        var pings = 0;
        await using var host = await StartAsync(new() { Token = "secret" }, real => ct =>
        {
            Interlocked.Increment(ref pings);
            return real(ct);
        });

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, pings);
    }

    [Fact]
    public async Task Readyz_answers_503_with_the_reason_when_the_grain_storage_is_unreachable()
    {
        // The store in a directory of its own, which the test then takes away (and puts a file in its place).
        await using var host = await ApiHost.StartAsync(configure: o => o with { Store = $"sqlite:{Path.Combine(Path.GetDirectoryName(o.Artifacts)!, "db", "store.db")}" });
        using (var ready = await host.Client.GetAsync("/readyz")) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var db = Path.Combine(host.Directory, "db");
        // Idle pooled connections would keep the deleted file open; the next ping opens a new one.
        SqliteConnection.ClearAllPools();
        Directory.Delete(db, recursive: true);
        await File.WriteAllTextAsync(db, "not a directory");

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.StartsWith("the silo is not ready: grain storage is unreachable: SqliteException: ", problem.Error, StringComparison.Ordinal);
        Assert.Contains("unable to open database file", problem.Error, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.Message.StartsWith("Not ready: grain storage is unreachable: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_storage_does_not_answer_in_time()
    {
        // A ping stuck in a call that ignores its cancellation token, until the test lets it go.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(new() { ReadyTimeout = TimeSpan.FromMilliseconds(200) }, _ => _ => release.Task);
        var asked = System.Diagnostics.Stopwatch.StartNew();

        using var response = await host.Client.GetAsync("/readyz");

        // The answer came while the ping still hung: it did not wait for it, however slow the machine.
        Assert.False(release.Task.IsCompleted);
        release.SetResult();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("the silo is not ready: it did not answer within 0.2 s", (await response.ReadProblemAsync()).Error);
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(3), $"answered after {asked.Elapsed}");
    }

    [Fact]
    public async Task Readyz_answers_503_in_time_when_the_ping_blocks_its_thread()
    {
        // A ping whose I/O is synchronous behind its async API (as SQLite's is) and hangs: on a stuck volume, or waiting out a
        // lock. It blocks its thread until the test lets it go (at most a minute, so that a failing test still ends).
        using var release = new ManualResetEventSlim();
        await using var host = await StartAsync(new() { ReadyTimeout = TimeSpan.FromMilliseconds(200) }, _ => _ =>
        {
            var released = release.Wait(TimeSpan.FromMinutes(1));
            return released ? Task.CompletedTask : Task.FromException(new TimeoutException("the test never released the ping"));
        });
        var asked = System.Diagnostics.Stopwatch.StartNew();

        using var response = await host.Client.GetAsync("/readyz");

        // The answer came while the ping still blocked its thread.
        Assert.False(release.IsSet);
        release.Set();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("the silo is not ready: it did not answer within 0.2 s", (await response.ReadProblemAsync()).Error);
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(2), $"answered after {asked.Elapsed}");
    }

    [Fact]
    public async Task Readyz_answers_503_naming_the_error_of_a_failing_ping_on_one_line()
    {
        await using var host = await StartAsync(null, _ => _ => Task.FromException(new InvalidOperationException("disk I/O error\non the volume")));

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("the silo is not ready: grain storage is unreachable: InvalidOperationException: disk I/O error on the volume",
            (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task A_silo_that_membership_does_not_list_as_active_is_not_ready_and_its_storage_is_not_asked()
    {
        await using var host = await ApiHost.StartAsync();
        var pinged = false;
        var membership = host.Silo.Services.GetRequiredService<IClusterMembershipService>();
        var stranger = new Stranger(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1), 1));
        var readiness = new SiloReadiness(membership, stranger, _ =>
        {
            pinged = true;
            return Task.CompletedTask;
        });

        var problem = await readiness.ProblemAsync(CancellationToken.None);

        Assert.Equal("the silo is dead in the cluster, not active", problem);
        Assert.False(pinged);
        Assert.Null(await host.Silo.Services.GetRequiredService<SiloReadiness>().ProblemAsync(CancellationToken.None));
    }

    /// <summary>A silo that is no member of the cluster.</summary>
    private sealed class Stranger(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "stranger";

        public string ClusterId => "ensemble";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => address;

        public SiloAddress GatewayAddress => address;
    }
}
