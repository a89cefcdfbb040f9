using Ensemble.Client.Remote;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ensemble.Client.Embedded;

/// <summary>
/// The silo <c>ensemble run</c> starts in its own process: a one-silo Orleans cluster on loopback (free ports), its
/// grain state in SQLite and its artifacts under the home directory (<c>./.ensemble</c>), its API on a loopback port
/// only this process uses. After a crash the next <c>ensemble run</c> finds the unfinished run's tasks recorded on a
/// silo that is no longer a member, and places them again at once, from their newest checkpoints. The CLI talks to
/// it through the silo's own Orleans client (<see cref="Connect"/>), with the same calls as to a remote cluster.
/// </summary>
public sealed class EmbeddedSilo : IAsyncDisposable
{
    /// <summary>The embedded silo's id.</summary>
    public const string Id = "embedded";

    private readonly WebApplication _app;

    private EmbeddedSilo(WebApplication app)
    {
        _app = app;
        Runs = app.Services.GetRequiredService<RunCatalog>();
    }

    /// <summary>Its runs.</summary>
    public RunCatalog Runs { get; }

    /// <summary>The grain-state file under <paramref name="home"/>.</summary>
    public static string StorePath(string home) => Path.Combine(home, "store.db");

    /// <summary>Starts a silo over <paramref name="home"/> with <paramref name="slots"/> task slots.</summary>
    public static async Task<EmbeddedSilo> StartAsync(string home, int slots, int? threads, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home);
        var options = new SiloOptions
        {
            Store = $"sqlite:{StorePath(home)}",
            Artifacts = Path.Combine(home, "artifacts"),
            SiloId = Id,
            Slots = slots,
            Threads = threads,
            Urls = "http://127.0.0.1:0",
            SiloPort = 0,
            GatewayPort = 0,
            // Ctrl-C should not keep the user waiting: a task gets a few seconds to reach its checkpoint, and resumes from it next time.
            DrainTimeout = TimeSpan.FromSeconds(5),
            ConsoleLogging = false,
        };
        var app = await SiloHost.BuildAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return new EmbeddedSilo(app);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A session over this silo's grains, through its hosted Orleans client.</summary>
    public ClusterSession Connect() => ClusterSession.InProcess(_app.Services.GetRequiredService<IClusterClient>(), "this machine");

    /// <summary>
    /// The runs in this home that have not finished, newest first: started, the silo resumes every one of them (a run
    /// is never dropped for being interrupted), so they share its slots with whatever runs now.
    /// </summary>
    public async Task<List<RunRecord>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        var runs = await Runs.ListAsync(1000, cancellationToken).ConfigureAwait(false);
        return [.. runs.Select(r => r.Run).Where(r => r.State is RunState.Queued or RunState.Running)];
    }

    /// <summary>Stops the silo: running tasks get the drain time to reach their checkpoint, then are handed back to their runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
