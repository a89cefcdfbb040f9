using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ensemble.Contracts.Access;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Contracts.Specs;
using Ensemble.Silo.Access;
using Ensemble.Silo.Api;
using Ensemble.Silo.Runs;
using Ensemble.Silo.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Ensemble.Client.Remote;

/// <summary>
/// The CLI's way into a cluster's grains: an Orleans client connected to the silos' gateways (the remote verbs), or
/// the embedded silo's own client (<c>ensemble run</c>), with the same calls either way. Answers are the HTTP API's
/// views (so <c>--json</c> prints what the API returns), and failures become the exceptions the CLI maps to exit
/// codes: <see cref="SiloUnreachableException"/>, <see cref="SiloAuthenticationException"/>, <see cref="RunRequestException"/>.
/// </summary>
public sealed class ClusterSession : IAsyncDisposable
{
    private const int EventBatch = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long <see cref="EventsAsync"/> keeps trying while no gateway answers before the cluster counts as unreachable.</summary>
    private static readonly TimeSpan ReconnectWindow = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly IHost? _clientHost;
    private readonly CertificateAuthority? _authority;
    private readonly IGrainFactory _grains;
    private readonly RunCatalog _runs;

    private ClusterSession(IHost? clientHost, CertificateAuthority? authority, IGrainFactory grains, string display)
    {
        _clientHost = clientHost;
        _authority = authority;
        _grains = grains;
        _runs = new RunCatalog(grains);
        Display = display;
    }

    /// <summary>The cluster as messages name it, e.g. <c>cluster silo-0:30000</c>.</summary>
    public string Display { get; }

    /// <summary>Connects an Orleans client to <paramref name="address"/>'s gateways (over TLS when it names an authority).</summary>
    /// <exception cref="SiloUnreachableException">No gateway resolves or answers, or none completes a TLS handshake.</exception>
    /// <exception cref="SiloAuthenticationException">A gateway's TLS certificate is not one the authority issued.</exception>
    /// <exception cref="ArgumentException">The authority's file is missing or holds no PEM certificate.</exception>
    public static async Task<ClusterSession> ConnectAsync(ClusterAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var authority = address.Authority is { } path ? CertificateAuthority.Load(path, "--cluster-ca") : null;
        try
        {
            return await ConnectAsync(address, authority, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            authority?.Dispose();
            throw;
        }
    }

    private static async Task<ClusterSession> ConnectAsync(ClusterAddress address, CertificateAuthority? authority, CancellationToken cancellationToken)
    {
        var display = $"cluster {address.Display}";
        var gateways = await ResolveAsync(address, display, authority, cancellationToken).ConfigureAwait(false);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // No logging providers: the client's own warnings (a gateway down, a reconnect) would scribble over the live bars.
        builder.Services.AddLogging();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = address.ClusterId;
                o.ServiceId = "ensemble";
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = CallTimeout);
            if (address.PostgresConnectionString is { } postgres) client.UsePostgresClustering(postgres);
            else client.UseStaticClustering([.. gateways]);
            if (address.Token is { } token) client.Services.AddSingleton<IOutgoingGrainCallFilter>(new ClusterTokenCallFilter(token));
            if (authority is not null) client.UseClusterTls(authority);
        });
        var host = builder.Build();
        // The client keeps retrying a gateway it cannot reach for minutes; a user wants to hear within seconds.
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(connectTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var tls = authority is null ? "; a cluster with TLS on needs --cluster-ca" : "";
            throw new SiloUnreachableException($"{display} is unreachable: no gateway let the client in within {ConnectTimeout.TotalSeconds:0} s (is the cluster id '{address.ClusterId}'?{tls})", e);
        }
        catch (Exception e) when (IsTransport(e) || e is Npgsql.NpgsqlException)
        {
            host.Dispose();
            throw new SiloUnreachableException($"{display} is unreachable: {e.Message}", e);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new ClusterSession(host, authority, host.Services.GetRequiredService<IClusterClient>(), display);
    }

    /// <summary>A session over a silo in this process (its hosted client: no gateway, no token).</summary>
    public static ClusterSession InProcess(IGrainFactory grains, string display) =>
        new(null, null, grains ?? throw new ArgumentNullException(nameof(grains)), display);

    /// <summary>Submits a spec's canonical JSON; a spec the silo refuses throws with every problem (and nothing is stored).</summary>
    /// <exception cref="RunSpecException">The silo's validation refused the spec.</exception>
    public async Task<RunDetail> SubmitAsync(string specJson, CancellationToken cancellationToken)
    {
        var outcome = await CallAsync(() => _grains.GetGrain<IRunSubmissionGrain>(0).Submit(specJson), cancellationToken).ConfigureAwait(false);
        return outcome.Run is { } run ? ApiViews.Detail(run) : throw new RunSpecException(outcome.Problems);
    }

    /// <summary>One run with its tasks.</summary>
    /// <exception cref="RunRequestException">No run has this id.</exception>
    public async Task<RunDetail> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        ApiViews.Detail(await GetSnapshotAsync(runId, cancellationToken).ConfigureAwait(false));

    /// <summary>The newest <paramref name="limit"/> runs.</summary>
    public async Task<List<RunSummary>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        var runs = await CallAsync(() => _runs.ListAsync(limit, cancellationToken), cancellationToken).ConfigureAwait(false);
        return [.. runs.Select(ApiViews.Summary)];
    }

    /// <summary>Cancels a run.</summary>
    /// <exception cref="RunRequestException">No run has this id, or it has finished.</exception>
    public async Task<RunDetail> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        var outcome = await CallAsync(() => _runs.CancelUnlessFinishedAsync(runId, cancellationToken), cancellationToken).ConfigureAwait(false)
            ?? throw new RunRequestException(ApiViews.RunNotFound(runId));
        return outcome.Cancelled ? ApiViews.Detail(outcome.Run) : throw new RunRequestException(ApiViews.AlreadyFinished(outcome.Run.Run));
    }

    /// <summary>The artifacts a run has recorded.</summary>
    /// <exception cref="RunRequestException">No run has this id.</exception>
    public async Task<List<ArtifactView>> ListArtifactsAsync(string runId, CancellationToken cancellationToken)
    {
        await GetSnapshotAsync(runId, cancellationToken).ConfigureAwait(false);
        var artifacts = await CallAsync(() => _runs.ListArtifactsAsync(runId, cancellationToken), cancellationToken).ConfigureAwait(false);
        return [.. artifacts.Select(ApiViews.Artifact)];
    }

    /// <summary>The silos membership knows.</summary>
    public async Task<List<SiloView>> ListSilosAsync(CancellationToken cancellationToken)
    {
        var silos = await CallAsync(() => _runs.ListSilosAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        return [.. silos.Select(ApiViews.Silo)];
    }

    /// <summary>The content of a small artifact (a report), read whole.</summary>
    public async Task<byte[]> ReadArtifactAsync(string runId, string name, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await foreach (var chunk in ChunksAsync(runId, name, cancellationToken).ConfigureAwait(false)) content.Write(chunk);
        return content.ToArray();
    }

    /// <summary>
    /// Downloads <paramref name="artifact"/> to <paramref name="path"/>: into a temporary file beside it, checked against its
    /// SHA-256, then renamed, so the path holds either the whole verified file or what it held before.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes received do not hash to the artifact's SHA-256.</exception>
    public async Task DownloadAsync(string runId, ArtifactView artifact, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            string hash;
            await using (var target = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                await foreach (var chunk in ChunksAsync(runId, artifact.Name, cancellationToken).ConfigureAwait(false))
                {
                    sha.AppendData(chunk);
                    await target.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                }

                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }

            if (hash != artifact.Sha256)
            {
                throw new InvalidDataException($"{artifact.Name}: the download hashes to {hash}, not the recorded {artifact.Sha256}; try again");
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// A run's events after <paramref name="afterId"/>, as they happen, until the run finishes (read from its grain
    /// every half second). While no gateway answers (a silo restarts, the network drops) it keeps trying where it
    /// left off, for up to <see cref="ReconnectWindow"/>; the client moves to another gateway by itself.
    /// </summary>
    public async IAsyncEnumerable<RunEventView> EventsAsync(string runId, long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterId;
        var brokenSince = (DateTimeOffset?)null;
        while (true)
        {
            RunSnapshot? run;
            IReadOnlyList<RunEvent> batch;
            try
            {
                // The state before the events: the event that finishes a run is stored with its state, so once the
                // run is seen finished, one more read has every event there will be.
                run = await CallAsync(() => _runs.GetAsync(runId, cancellationToken), cancellationToken).ConfigureAwait(false);
                batch = await CallAsync(() => _runs.ReadEventsAsync(runId, last, EventBatch, cancellationToken), cancellationToken).ConfigureAwait(false);
                brokenSince = null;
            }
            catch (SiloUnreachableException e) when (!cancellationToken.IsCancellationRequested)
            {
                brokenSince ??= DateTimeOffset.UtcNow;
                if (DateTimeOffset.UtcNow - brokenSince > ReconnectWindow)
                {
                    throw new SiloUnreachableException($"{Display}: no gateway answered for {ReconnectWindow.TotalSeconds:0} s while following run {runId}: {e.Message}", e);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                continue;
            }

            foreach (var runEvent in batch)
            {
                last = runEvent.Id;
                yield return ApiViews.Event(runEvent);
            }

            if (batch.Count == EventBatch) continue;
            if (run is null || StateNames.IsTerminal(run.Run.State)) yield break;
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether an event of <paramref name="kind"/> ends its run.</summary>
    public static bool IsRunEnd(string kind) => kind is EventKinds.RunSucceeded or EventKinds.RunFailed or EventKinds.RunCancelled;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_clientHost is null) return;
        await _clientHost.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _clientHost.Dispose();
        _authority?.Dispose();
    }

    private async Task<RunSnapshot> GetSnapshotAsync(string runId, CancellationToken cancellationToken) =>
        await CallAsync(() => _runs.GetAsync(runId, cancellationToken), cancellationToken).ConfigureAwait(false)
        ?? throw new RunRequestException(ApiViews.RunNotFound(runId));

    private async IAsyncEnumerable<byte[]> ChunksAsync(string runId, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _grains.GetGrain<IArtifactReaderGrain>(0);
        long offset = 0;
        while (true)
        {
            var from = offset;
            var chunk = await CallAsync(() => reader.Read(runId, name, from, IArtifactReaderGrain.MaxChunkBytes), cancellationToken).ConfigureAwait(false);
            if (chunk.Length == 0) yield break;
            offset += chunk.Length;
            yield return chunk;
        }
    }

    /// <summary>Makes a call, mapping a refused token and a cluster that does not answer to the CLI's exceptions.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterAccessDeniedException e)
        {
            throw new SiloAuthenticationException($"{Display} refused the request: {e.Message}; set {ClusterAddress.TokenVariable} to the cluster's API token");
        }
        catch (Exception e) when (IsTransport(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new SiloUnreachableException($"{Display} is unreachable: {e.Message}", e);
        }
    }

    /// <summary>Failures of the connection rather than of the call: no gateway, a dropped connection, no answer in time.</summary>
    private static bool IsTransport(Exception e) => e is OrleansException or ConnectionFailedException or TimeoutException or SocketException;

    private static async Task<List<IPEndPoint>> ResolveAsync(ClusterAddress address, string display, CertificateAuthority? authority, CancellationToken cancellationToken)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var (host, port) in address.Gateways)
        {
            if (IPAddress.TryParse(host, out var ip))
            {
                endpoints.Add(new IPEndPoint(ip, port));
                continue;
            }

            IPAddress[] addresses;
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new SiloUnreachableException($"{display} is unreachable: gateway host '{host}' does not resolve: {e.Message}", e);
            }

            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new SiloUnreachableException($"{display} is unreachable: gateway host '{host}' has no address");
            endpoints.Add(new IPEndPoint(chosen, port));
        }

        await ProbeAsync(endpoints, display, authority, cancellationToken).ConfigureAwait(false);
        return endpoints;
    }

    /// <summary>
    /// Fails at once, with the socket's own error, when none of <paramref name="gateways"/> accepts a TCP connection (or,
    /// with TLS, completes a handshake): Orleans' client would retry for minutes before saying only that it could not connect.
    /// </summary>
    private static async Task ProbeAsync(IReadOnlyList<IPEndPoint> gateways, string display, CertificateAuthority? authority, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var gateway in gateways)
        {
            using var socket = new Socket(gateway.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await socket.ConnectAsync(gateway, timeout.Token).ConfigureAwait(false);
                if (authority is null) return;
                if (await HandshakeAsync(socket, gateway, authority, timeout.Token).ConfigureAwait(false) is not { } refused) return;
                throw new SiloAuthenticationException($"{display}: the gateway {gateway} presented the TLS certificate {refused}, "
                    + $"which the authority in '{authority.Path}' (--cluster-ca) did not issue");
            }
            catch (SocketException e)
            {
                errors.Add($"{gateway}: {e.Message}");
            }
            catch (Exception e) when (e is IOException or AuthenticationException)
            {
                errors.Add($"{gateway}: no TLS handshake ({e.Message}); is TLS on for the cluster (ensemble silo --tls-certificate)? if not, drop --cluster-ca");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var tls = authority is null ? "" : " to a TLS handshake (is TLS on for the cluster? if not, drop --cluster-ca)";
                errors.Add($"{gateway}: no answer{tls} within {ProbeTimeout.TotalSeconds:0} s");
            }
        }

        if (errors.Count > 0) throw new SiloUnreachableException($"{display} is unreachable: {string.Join("; ", errors)}");
    }

    /// <summary>A TLS handshake over <paramref name="socket"/>: null when the gateway's certificate is one <paramref name="authority"/> issued, else that certificate as messages name it.</summary>
    private static async Task<string?> HandshakeAsync(Socket socket, IPEndPoint gateway, CertificateAuthority authority, CancellationToken cancellationToken)
    {
        string? refused = null;
        await using var network = new NetworkStream(socket, ownsSocket: false);
        await using var tls = new SslStream(network, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = gateway.Address.ToString(),
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null) return false;
                using var remote = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                if (authority.Issued(remote)) return true;
                refused = CertificateAuthority.Describe(remote);
                return false;
            },
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException) when (refused is not null)
        {
        }

        return refused;
    }
}
