using Ensemble.Silo.Hosting;
using Ensemble.Silo.Runs;
using Ensemble.Tests.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ensemble.Client.Tests;

/// <summary>
/// A real silo in the test process for the CLI to talk to: a one-silo Orleans cluster on free loopback ports, its
/// grain state in SQLite in a temp directory; the CLI connects to its Orleans gateway.
/// </summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private TestSilo(WebApplication app, string directory, string gateway)
    {
        _app = app;
        _directory = directory;
        Gateway = gateway;
        Runs = app.Services.GetRequiredService<RunCatalog>();
    }

    /// <summary>The gateway as <c>--cluster</c> takes it: <c>127.0.0.1:PORT</c>.</summary>
    public string Gateway { get; }

    public RunCatalog Runs { get; }

    /// <summary>
    /// Starts a silo; <paramref name="slots"/> 0 serves the API only, so submitted runs stay queued; with
    /// <paramref name="tls"/> its Orleans ports speak TLS with that certificate.
    /// </summary>
    public static async Task<TestSilo> StartAsync(string? token = null, int slots = 1, TestCertificates? tls = null)
    {
        var directory = Directory.CreateTempSubdirectory("ensemble-client-silo-").FullName;
        var app = await SiloHost.BuildAsync(new SiloOptions
        {
            Store = $"sqlite:{Path.Combine(directory, "store.db")}",
            Artifacts = Path.Combine(directory, "artifacts"),
            Urls = "http://127.0.0.1:0",
            SiloPort = 0,
            GatewayPort = 0,
            Token = token,
            Slots = slots,
            Threads = 1,
            ConsoleLogging = false,
            TlsCertificate = tls?.Certificate,
            TlsKey = tls?.Key,
            TlsAuthority = tls?.Authority,
        }, CancellationToken.None);
        await app.StartAsync();
        return new TestSilo(app, directory, SiloHost.GatewayEndpoint(app).ToString());
    }

    public async Task<int> RunCountAsync() => (await Runs.ListAsync(1000, CancellationToken.None)).Count;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
