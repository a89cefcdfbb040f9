using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ensemble.Grains.Execution;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Tests.Testing;

namespace Ensemble.Silo.Tests.Metrics;

/// <summary>A whole silo as <c>ensemble silo</c> composes it (a <see cref="TestSilo"/>), scraped at <c>/metrics</c>.</summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private InProcessSilo(TestSilo silo) => Silo = silo;

    /// <summary>The silo.</summary>
    public TestSilo Silo { get; }

    /// <summary>A client of its API and metrics.</summary>
    public HttpClient Client => Silo.Client;

    /// <summary>Its runs.</summary>
    public RunCatalog Runs => Silo.Runs;

    /// <summary>Starts silo <paramref name="siloId"/> (real training unless <paramref name="runner"/> is given), its API guarded by <paramref name="token"/>.</summary>
    public static async Task<InProcessSilo> StartAsync(string siloId, string? token = null, IAttemptRunner? runner = null) =>
        new(await TestSilo.StartAsync(runner: runner, configure: o => o with { SiloId = siloId, Token = token, Threads = 2 }));

    /// <summary>Submits a YAML spec through the API; returns the run id.</summary>
    public async Task<string> SubmitAsync(string yaml)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(yaml));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        using var response = await Client.PostAsync("/api/v1/runs", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<Exposition> ScrapeAsync() => Exposition.Parse(await Client.GetStringAsync("/metrics"));

    /// <summary>Scrapes until <paramref name="condition"/> holds of a scrape; returns that scrape.</summary>
    public async Task<Exposition> ScrapeUntilAsync(Func<Exposition, bool> condition, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            var scrape = await ScrapeAsync();
            if (condition(scrape)) return scrape;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen in {seconds} s; last scrape:\n{string.Join('\n', scrape.Samples.Keys)}");
            await Task.Delay(50);
        }
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
