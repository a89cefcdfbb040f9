using System.Net;
using Ensemble.Client.Commands;
using Ensemble.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>The rendered silo container against the real silo: its arguments parse, its probes' paths answer.</summary>
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
            Assert.Contains("# TYPE ensemble_task_claims_total counter", await metrics.Content.ReadAsStringAsync());

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
