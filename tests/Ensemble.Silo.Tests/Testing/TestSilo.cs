using Ensemble.Grains.Execution;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Ensemble.Silo.Tests.Testing;

/// <summary>
/// A real silo in this process (a one-silo Orleans cluster on loopback, grain state in SQLite in a temp directory,
/// its API on a free port). With a <see cref="ScriptedRunner"/> its task grains run nothing: each started attempt
/// waits for the test to finish it through its run grain.
/// </summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _slots;
    private readonly Func<SiloOptions, SiloOptions>? _configure;
    private bool _ownsDirectory = true;
    private bool _disposed;

    private TestSilo(WebApplication app, string directory, Uri address, int slots, Func<SiloOptions, SiloOptions>? configure)
    {
        _app = app;
        _slots = slots;
        _configure = configure;
        Directory = directory;
        Address = address;
        // Nothing drained: a test that drops an open event stream closes its connection at once.
        Client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Its temp directory (store and artifacts).</summary>
    public string Directory { get; }

    /// <summary>Where its API listens (no trailing slash).</summary>
    public Uri Address { get; }

    /// <summary>A client of its API.</summary>
    public HttpClient Client { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Its grains.</summary>
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Its run catalog.</summary>
    public RunCatalog Runs => _app.Services.GetRequiredService<RunCatalog>();

    /// <summary>Its address in the cluster (what membership, the slot registry and run grains know it by).</summary>
    public SiloAddress SiloAddress => _app.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>
    /// Starts a silo with <paramref name="slots"/> slots; <paramref name="runner"/> replaces the real attempt runner
    /// (null: real training); <paramref name="configure"/> changes the options; <paramref name="services"/> runs last
    /// over the silo's services (a grain call filter, a log provider, a replaced service).
    /// </summary>
    public static Task<TestSilo> StartAsync(int slots = 1, IAttemptRunner? runner = null, Func<SiloOptions, SiloOptions>? configure = null,
        Action<IServiceCollection>? services = null) =>
        StartOnAsync(System.IO.Directory.CreateTempSubdirectory("ensemble-silo-test-").FullName, slots, runner, configure, services);

    /// <summary>
    /// Stops this silo (its grains deactivate; running attempts drain) and starts a new one, a new member of a new
    /// cluster, on the same directory (store and artifacts) with the same slots and options; <paramref name="runner"/>
    /// replaces the attempt runner (null: real training). The new silo owns the directory from now on.
    /// </summary>
    public async Task<TestSilo> RestartAsync(IAttemptRunner? runner)
    {
        _ownsDirectory = false;
        await DisposeAsync();
        return await StartOnAsync(Directory, _slots, runner, _configure, services: null);
    }

    private static async Task<TestSilo> StartOnAsync(string directory, int slots, IAttemptRunner? runner, Func<SiloOptions, SiloOptions>? configure,
        Action<IServiceCollection>? services)
    {
        var options = new SiloOptions
        {
            Store = $"sqlite:{Path.Combine(directory, "store.db")}",
            Artifacts = Path.Combine(directory, "artifacts"),
            SiloId = "test-silo",
            Urls = "http://127.0.0.1:0",
            SiloPort = 0,
            GatewayPort = 0,
            Slots = slots,
            Threads = 1,
            RetryBackoff = TimeSpan.FromMilliseconds(200),
            DrainTimeout = TimeSpan.FromSeconds(5),
            ConsoleLogging = false,
        };
        if (configure is not null) options = configure(options);
        var app = await SiloHost.BuildAsync(options, collection =>
        {
            if (runner is not null) collection.AddSingleton(runner);
            services?.Invoke(collection);
        }, CancellationToken.None);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = new Uri(SiloHost.ListeningAddress(app).AbsoluteUri.TrimEnd('/'));
        return new TestSilo(app, directory, address, slots, configure);
    }

    /// <summary>Stops the silo (its grains deactivate; running attempts drain).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // A restarted silo was disposed by RestartAsync; the test's own disposal of it is then a no-op.
        if (_disposed) return;
        _disposed = true;
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsDirectory) return;
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
