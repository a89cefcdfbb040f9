using System.Net;
using Ensemble.Client.Commands;
using Ensemble.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using SiloOptions = Ensemble.Silo.Hosting.SiloOptions;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>
/// The rendered silo container against the real silo: its arguments parse, its probes' paths answer, its Orleans ids
/// are the ones the real silo runs with.
/// </summary>
public sealed class SiloEndpointsTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void SiloArguments_ParseWithTheRealSiloCommand(string overlay)
    {
        var silo = OverlayTests.Silo(Kustomize.Render(RepositoryPaths.Overlay(overlay)));
        // What the kubelet passes: literals expanded; secret and downward-API values stand in as samples.
        var args = silo.Args.Skip(1).Select(silo.Expand)
            .Select(a => a.Replace("$(ENSEMBLE_STORE)", "postgres://u:p@db:5432/ensemble", StringComparison.Ordinal)
                          .Replace("$(POD_NAME)", "ensemble-silo-0", StringComparison.Ordinal))
            .ToArray();
        Assert.DoesNotContain(args, a => a.Contains("$(", StringComparison.Ordinal));

        var result = SiloCommand.Create().Parse(args);

        Assert.True(result.Errors.Count == 0, string.Join('\n', result.Errors.Select(e => e.Message)));
        Assert.True(result.GetValue<bool>("--kubernetes"));
        Assert.Equal(KubernetesHostingInvariants.ClusterId(silo), result.GetValue<string>("--cluster-id"));
        Assert.Equal(25, result.GetValue<double>("--drain-seconds"));
    }

    [Fact]
    public async Task PodLabels_AreTheClusterIdsARealSiloRunsWith()
    {
        var manifests = Kustomize.Render(RepositoryPaths.Overlay("cpu"));
        var silo = OverlayTests.Silo(manifests);
        using var temp = new TempDirectory("ensemble-deploy-ids-");
        var options = new SiloOptions
        {
            Store = $"sqlite:{Path.Combine(temp.Path, "store.db")}",
            Artifacts = Path.Combine(temp.Path, "artifacts"),
            Slots = 0,
            Urls = "http://127.0.0.1:0",
            ClusterId = KubernetesHostingInvariants.ClusterId(silo),
        };

        // Built, not started: the options are what the silo would join its cluster with.
        await using var app = await SiloHost.BuildAsync(options, CancellationToken.None);
        var cluster = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;

        Assert.Equal(silo.Owner.PodLabels["orleans/serviceId"], cluster.ServiceId);
        Assert.Equal(silo.Owner.PodLabels["orleans/clusterId"], cluster.ClusterId);
        Assert.Equal(KubernetesHostingInvariants.EffectiveServiceId(silo), cluster.ServiceId);
    }

    [Fact]
    public async Task ProbeAndScrapePaths_AnswerOnARealSilo_With200()
    {
        var manifests = Kustomize.Render(RepositoryPaths.Overlay("gpu"));
        var silo = OverlayTests.Silo(manifests);
        var scrapePath = KubeObject.Text(KubeObject.Items(manifests.OfKind("PodMonitor").Single().Json["spec"]?["podMetricsEndpoints"]).Single()["path"]);
        Assert.Equal("/metrics", scrapePath);
        var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }
            .Select(p => (Probe: p, Path: KubeObject.Text(silo.Json[p]?["httpGet"]?["path"])))
            .Where(p => p.Path is not null).ToList();
        Assert.Equal(3, probes.Count);

        using var temp = new TempDirectory("ensemble-deploy-silo-");
        var options = new SiloOptions
        {
            Store = $"sqlite:{Path.Combine(temp.Path, "store.db")}",
            Artifacts = Path.Combine(temp.Path, "artifacts"),
            Slots = 0,
            Urls = "http://127.0.0.1:0",
            Token = "secret",
        };
        await using var app = await SiloHost.BuildAsync(options, CancellationToken.None);
        await app.StartAsync();
        try
        {
            var address = SiloHost.ListeningAddress(app).AbsoluteUri.TrimEnd('/');
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (probe, path) in probes)
            {
                // Probes send no token: the paths must answer without one.
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe} GET {path}: {(int)response.StatusCode} {response.StatusCode}");
            }

            // Prometheus scrapes without a token too, and gets the text exposition format.
            using var metrics = await client.GetAsync(scrapePath);
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
            var text = await metrics.Content.ReadAsStringAsync();
            Assert.Contains("# TYPE ensemble_task_starts_total counter", text);
            Assert.Contains("# TYPE ensemble_task_failovers_total counter", text);
            // Orleans' own meter, beside ours: the families the dashboard's Orleans panels read. Grain families appear once
            // the silo's first grain call (its run index read at start) is done, storage writes with the first write.
            string[] orleans =
            [
                "# TYPE orleans_consistent_ring_size gauge",
                "# TYPE orleans_grains gauge",
                "# TYPE orleans_app_requests_latency_milliseconds histogram",
                "# TYPE orleans_storage_read_latency_milliseconds histogram",
            ];
            for (var deadline = DateTime.UtcNow.AddSeconds(20); !orleans.All(text.Contains) && DateTime.UtcNow < deadline;)
            {
                await Task.Delay(250);
                text = await client.GetStringAsync(scrapePath);
            }

            Assert.All(orleans, family => Assert.Contains(family, text));

            // A path the silo does not serve is 404 (or 401 behind the token) here, so the 200s above mean something.
            using var missing = await client.GetAsync("/no-such-probe");
            Assert.True(missing.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"GET /no-such-probe: {missing.StatusCode}");
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
