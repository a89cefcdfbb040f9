using Ensemble.Silo.Hosting;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Ensemble.Silo.Api;
using Ensemble.Silo.Artifacts;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Store.Sqlite;
using Ensemble.Silo.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ensemble.Silo.Tests.Api;

/// <summary>
/// The API on a real Kestrel at <c>http://127.0.0.1:0</c>, over a real SQLite store in a temporary file and an
/// artifact store in a temporary directory; <see cref="Client"/> talks to it.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, string directory, ITaskStore store, SqliteTaskStore sqlite, StoreProbe probe,
        ArtifactStore artifacts, LogCapture logs, Uri baseAddress)
    {
        _app = app;
        Directory = directory;
        Store = store;
        Sqlite = sqlite;
        Probe = probe;
        Artifacts = artifacts;
        Logs = logs;
        BaseAddress = baseAddress;
        // Nothing drained: a test that drops an open event stream closes its connection at once.
        Client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string Directory { get; }

    /// <summary>The store the API uses: <see cref="Sqlite"/> seen through <see cref="Probe"/>.</summary>
    public ITaskStore Store { get; }

    public SqliteTaskStore Sqlite { get; }

    public StoreProbe Probe { get; }

    public ArtifactStore Artifacts { get; }

    public LogCapture Logs { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Starts a server with <paramref name="options"/>; <paramref name="storeClock"/> is the store's clock.</summary>
    public static async Task<ApiHost> StartAsync(ApiOptions? options = null, TimeProvider? storeClock = null, ITaskStore? storeOverride = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ensemble-api-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var sqlite = await TestStores.OpenSqliteAsync(Path.Combine(directory, "store.db"), new TaskStoreOptions { Clock = storeClock ?? TimeProvider.System });
        var (store, probe) = StoreProbe.Wrap(sqlite);
        var served = storeOverride ?? store;
        var artifacts = new ArtifactStore(Path.Combine(directory, "artifacts"), store);
        var logs = new LogCapture();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(served);
        builder.Services.AddSingleton(artifacts);
        builder.Services.AddSingleton(new RunSubmitter(served));
        builder.Services.AddSiloApi(options ?? new ApiOptions());
        var app = builder.Build();
        app.MapSiloApi();
        await app.StartAsync();

        var address = SiloHost.ListeningAddress(app).AbsoluteUri.TrimEnd('/');
        return new ApiHost(app, directory, store, sqlite, probe, artifacts, logs, new Uri(address));
    }

    /// <summary>POSTs <paramref name="spec"/> with <paramref name="contentType"/> (none when null).</summary>
    public Task<HttpResponseMessage> SubmitAsync(string spec, string? contentType = "application/yaml")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(spec));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Client.PostAsync("/api/v1/runs", content);
    }

    /// <summary>Submits <see cref="Specs.Yaml"/> and returns the new run's id.</summary>
    public async Task<string> SubmitRunAsync(string spec = Specs.Yaml)
    {
        using var response = await SubmitAsync(spec);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync<Ensemble.Contracts.Api.RunDetail>()).Id;
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
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
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

    /// <summary>Stops the server gracefully, as a silo shutting down does.</summary>
    public Task StopServerAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Sqlite.DisposeAsync();
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
