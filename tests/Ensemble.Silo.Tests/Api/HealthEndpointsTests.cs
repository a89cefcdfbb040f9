using System.Net;
using Ensemble.Silo.Api;
using Ensemble.Silo.Store;

namespace Ensemble.Silo.Tests.Api;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Healthz_answers_ok_without_a_token_and_without_the_store()
    {
        await using var host = await ApiHost.StartAsync(new() { Token = "secret" });
        host.Probe.Calls.Clear();

        using var response = await host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.Empty(host.Probe.Calls);
    }

    [Fact]
    public async Task Readyz_answers_200_when_the_store_answers()
    {
        await using var host = await ApiHost.StartAsync(new() { Token = "secret" });

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, host.Probe.CallsTo("PingAsync"));
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_store_is_unreachable()
    {
        // PostgreSQL on a port nothing listens on: the connection is refused.
        await using var unreachable = TestStores.OpenUnreachablePostgres();
        await using var host = await ApiHost.StartAsync(storeOverride: unreachable);

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.StartsWith("the task store is unreachable: ", problem.Error, StringComparison.Ordinal);
        Assert.True(problem.Error.Length > "the task store is unreachable: ".Length, "the reason is given");
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("task store is unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_store_does_not_answer_in_time()
    {
        await using var host = await ApiHost.StartAsync(new() { ReadyTimeout = TimeSpan.FromMilliseconds(200) });
        host.Probe.Intercept = method => method == nameof(ITaskStore.PingAsync) ? StallAsync() : null;

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("the task store is unreachable: it did not answer within 0.2 s", (await response.ReadProblemAsync()).Error);

        static async Task<bool> StallAsync()
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return true;
        }
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_ping_says_no()
    {
        await using var host = await ApiHost.StartAsync();
        host.Probe.Intercept = method => method == nameof(ITaskStore.PingAsync) ? Task.FromResult(false) : null;

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("the task store is unreachable: it did not answer the ping", (await response.ReadProblemAsync()).Error);
    }
}
