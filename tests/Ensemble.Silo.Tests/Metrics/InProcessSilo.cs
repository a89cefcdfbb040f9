using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ensemble.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ensemble.Silo.Tests.Metrics;

/// <summary>A whole silo as <c>ensemble silo</c> composes it (<see cref="SiloHost.BuildAsync"/>), on a loopback port, over SQLite in a temporary directory.</summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessSilo(WebApplication app, string directory, Uri address)
    {
        _app = app;
        Directory = directory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Directory { get; }

    public HttpClient Client { get; }

    public string StorePath => Path.Combine(Directory, "store.db");

    public static async Task<InProcessSilo> StartAsync(string siloId, string? token = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ensemble-metrics-").FullName;
        var app = await SiloHost.BuildAsync(new SiloOptions
        {
            Store = $"sqlite:{Path.Combine(directory, "store.db")}",
            Artifacts = Path.Combine(directory, "artifacts"),
            SiloId = siloId,
            Urls = "http://127.0.0.1:0",
            Token = token,
            Threads = 2,
            LeaseDuration = TimeSpan.FromSeconds(3),
            PollInterval = TimeSpan.FromMilliseconds(50),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        }, CancellationToken.None);
        await app.StartAsync();
        var address = SiloHost.ListeningAddress(app).AbsoluteUri.TrimEnd('/');
        return new InProcessSilo(app, directory, new Uri(address));
    }

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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
