using System.CommandLine;
using Ensemble.Silo.Hosting;
using Microsoft.Extensions.Hosting;

namespace Ensemble.Client.Commands;

/// <summary>
/// <c>ensemble silo</c>: runs a silo — the HTTP API and task slots over a shared store — until SIGTERM or Ctrl-C,
/// when it lets running tasks reach their next checkpoint, hands their leases back and exits.
/// </summary>
public static class SiloCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "sqlite:PATH or postgres://user:password@host:port/database", Required = true };
        var artifacts = new Option<string>("--artifacts") { Description = "artifact directory (shared by every silo of a cluster)", Required = true };
        var slots = new Option<int>("--slots") { Description = "task slots: one per GPU, or one CPU slot (0: API only)", DefaultValueFactory = _ => 1 };
        var urls = new Option<string>("--urls") { Description = "where the API listens", DefaultValueFactory = _ => "http://127.0.0.1:8470" };
        var id = new Option<string?>("--id") { Description = "a stable silo id (default host-pid); a restarted silo with the same id takes back its tasks at once" };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads per slot (default: the cores divided among the slots)" };
        var lease = new Option<double>("--lease-seconds") { Description = "lease duration; renewed every third of it", DefaultValueFactory = _ => 30 };
        var drain = new Option<double>("--drain-seconds") { Description = "on shutdown, how long tasks get to reach their next checkpoint", DefaultValueFactory = _ => 25 };
        var attempts = new Option<int>("--max-attempts") { Description = "attempts per task for runs submitted here", DefaultValueFactory = _ => 3 };
        var command = new Command("silo", "Run a silo: the HTTP API and task slots over a task store. Token from ENSEMBLE_TOKEN.")
        {
            store, artifacts, slots, urls, id, threads, lease, drain, attempts,
        };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.GuardAsync(async () =>
        {
            var options = new SiloOptions
            {
                Store = parse.GetValue(store)!,
                Artifacts = parse.GetValue(artifacts)!,
                Slots = parse.GetValue(slots),
                Urls = parse.GetValue(urls),
                SiloId = parse.GetValue(id),
                Threads = parse.GetValue(threads),
                LeaseDuration = TimeSpan.FromSeconds(parse.GetValue(lease)),
                DrainTimeout = TimeSpan.FromSeconds(parse.GetValue(drain)),
                MaxAttempts = parse.GetValue(attempts),
                Token = Environment.GetEnvironmentVariable("ENSEMBLE_TOKEN") is { Length: > 0 } token ? token : null,
            };
            await using var app = await SiloHost.BuildAsync(options, cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            // SIGTERM or Ctrl-C cancels the token: the host stops, and the silo drains (SiloService.StopAsync).
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }
}
