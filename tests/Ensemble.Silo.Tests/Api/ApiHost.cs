using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Ensemble.Contracts.Api;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Silo.Api;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Tests.Api;

/// <summary>
/// The API of a real silo (<see cref="TestSilo"/>: Kestrel on a free loopback port, grain state in SQLite in a
/// temporary directory). By default the silo has no task slots, so a submitted run stays queued and nothing trains;
/// with a <see cref="ScriptedRunner"/> and slots its tasks really get placed. Its grain calls are counted (and can be
/// made to fail) by <see cref="Probe"/>; what it logs at warning or above is in <see cref="Logs"/>.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private ApiHost(TestSilo silo, GrainProbe probe, LogCapture logs)
    {
        Silo = silo;
        Probe = probe;
        Logs = logs;
    }

    /// <summary>The silo behind the API.</summary>
    public TestSilo Silo { get; }

    /// <summary>The silo's temporary directory.</summary>
    public string Directory => Silo.Directory;

    /// <summary>What the API reads and changes: the runs' grains.</summary>
    public RunCatalog Runs => Silo.Runs;

    /// <summary>The silo's artifact store.</summary>
    public ArtifactStore Artifacts => Silo.Services.GetRequiredService<ArtifactStore>();

    /// <summary>Every grain call of the silo, counted.</summary>
    public GrainProbe Probe { get; }

    /// <summary>What the silo logged at warning or above.</summary>
    public LogCapture Logs { get; }

    /// <summary>Where the API listens (no trailing slash).</summary>
    public Uri BaseAddress => Silo.Address;

    /// <summary>A client of the API (it drains nothing: dropping a response closes its connection).</summary>
    public HttpClient Client => Silo.Client;

    /// <summary>
    /// Starts a silo whose API runs with <paramref name="options"/> (null: as the host derives them from the silo's
    /// options), with <paramref name="slots"/> task slots and <paramref name="runner"/> in place of real training;
    /// <paramref name="configure"/> changes the silo's options; <paramref name="services"/> runs last over its services.
    /// </summary>
    public static async Task<ApiHost> StartAsync(ApiOptions? options = null, int slots = 0, IAttemptRunner? runner = null,
        Action<IServiceCollection>? services = null, Func<SiloOptions, SiloOptions>? configure = null)
    {
        var probe = new GrainProbe();
        var logs = new LogCapture();
        var silo = await TestSilo.StartAsync(slots, runner, o => (configure ?? (x => x))(o with { Token = options?.Token }), s =>
        {
            s.AddSingleton<IIncomingGrainCallFilter>(probe);
            s.AddSingleton<ILoggerProvider>(logs);
            // Registered last, so the API uses these rather than the ones the host made.
            if (options is not null) s.AddSiloApi(options);
            services?.Invoke(s);
        });
        return new ApiHost(silo, probe, logs);
    }

    /// <summary>How many runs the silo holds (up to 1000).</summary>
    public async Task<int> RunCountAsync() => (await Runs.ListAsync(1000, CancellationToken.None)).Count;

    /// <summary>POSTs <paramref name="spec"/> with <paramref name="contentType"/> (none when null).</summary>
    public Task<HttpResponseMessage> SubmitAsync(string spec, string? contentType = "application/yaml")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(spec));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Client.PostAsync("/api/v1/runs", content);
    }

    /// <summary>Submits <paramref name="spec"/> (YAML or JSON) and returns the new run's id.</summary>
    public async Task<string> SubmitRunAsync(string spec = Specs.Yaml)
    {
        using var response = await SubmitAsync(spec);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync<RunDetail>()).Id;
    }

    /// <summary>
    /// Sends <c>GET <paramref name="target"/></c> exactly as written (HttpClient would normalize <c>%2e%2e</c> away) and
    /// returns the status code and body.
    /// </summary>
    public async Task<(int Status, string Body)> RawGetAsync(string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(BaseAddress.Host, BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {BaseAddress.Authority}\r\nConnection: close\r\n\r\n"));
        var text = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        var status = int.Parse(text.Split(' ', 3)[1], CultureInfo.InvariantCulture);
        var head = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = text[(head + 4)..];
        // Small bodies come back in one chunk: strip its size line and the terminator.
        if (text[..head].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var lines = body.Split("\r\n");
            body = string.Concat(lines.Where((_, i) => i % 2 == 1));
        }

        return (status, body);
    }

    /// <summary>Stops the silo gracefully, as a silo shutting down does.</summary>
    public Task StopServerAsync() => Silo.StopAsync();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
