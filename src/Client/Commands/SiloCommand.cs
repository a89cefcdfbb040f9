using System.CommandLine;
using Ensemble.Silo.Hosting;
using Microsoft.Extensions.Hosting;

namespace Ensemble.Client.Commands;

/// <summary>
/// <c>ensemble silo</c>: runs an Orleans silo — grains, task slots and the HTTP API over the cluster's store — until
/// SIGTERM or Ctrl-C, when it lets running tasks reach their next checkpoint, hands them back to their runs and exits.
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
        var id = new Option<string?>("--id") { Description = "the silo's name in events and listings (default host-pid)" };
        var cluster = new Option<string>("--cluster-id") { Description = "the Orleans cluster id: silos with the same id and store form one cluster", DefaultValueFactory = _ => "ensemble" };
        var siloPort = new Option<int>("--silo-port") { Description = "port for silo-to-silo traffic (0: a free one)", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "port Orleans clients connect to (0: a free one)", DefaultValueFactory = _ => 30000 };
        var advertise = new Option<string?>("--advertise") { Description = "the IP address other silos reach this one at (default: this host's first IPv4 address)" };
        var kubernetes = new Option<bool>("--kubernetes") { Description = "run under Kubernetes (Orleans' Kubernetes hosting: pod name, namespace and IP from the environment)" };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads per slot (default: the cores divided among the slots)" };
        var drain = new Option<double>("--drain-seconds") { Description = "on shutdown, how long tasks get to reach their next checkpoint", DefaultValueFactory = _ => 25 };
        var attempts = new Option<int>("--max-attempts") { Description = "attempts per task for runs submitted here", DefaultValueFactory = _ => 3 };
        var tlsCertificate = new Option<string?>("--tls-certificate") { Description = "PEM certificate (with its key, unless --tls-key) that turns TLS on for the Orleans ports" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-certificate, when it is in a file of its own" };
        var tlsAuthority = new Option<string?>("--tls-ca") { Description = "PEM certificate of the authority that issued every silo's certificate (default: --tls-certificate, self-signed)" };
        var command = new Command("silo", "Run a silo of an Orleans cluster: grains, task slots and the HTTP API. Token from ENSEMBLE_TOKEN.")
        {
            store, artifacts, slots, urls, id, cluster, siloPort, gatewayPort, advertise, kubernetes, threads, drain, attempts, tlsCertificate, tlsKey, tlsAuthority,
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
                ClusterId = parse.GetValue(cluster)!,
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                AdvertisedAddress = parse.GetValue(advertise),
                Kubernetes = parse.GetValue(kubernetes),
                DrainTimeout = TimeSpan.FromSeconds(parse.GetValue(drain)),
                MaxAttempts = parse.GetValue(attempts),
                TlsCertificate = parse.GetValue(tlsCertificate),
                TlsKey = parse.GetValue(tlsKey),
                TlsAuthority = parse.GetValue(tlsAuthority),
                Token = Environment.GetEnvironmentVariable("ENSEMBLE_TOKEN") is { Length: > 0 } token ? token : null,
            };
            await using var app = await SiloHost.BuildAsync(options, cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            // SIGTERM or Ctrl-C cancels the token: the host stops, and the silo drains (task grains deactivate at their next checkpoint).
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }).ConfigureAwait(false));
        return command;
    }
}
