using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Runs;

namespace Ensemble.Client.Remote;

/// <summary>
/// The silo's HTTP API (<c>/api/v1</c>) as typed calls. Failures become one of three exceptions the CLI maps to exit
/// codes: <see cref="SiloUnreachableException"/>, <see cref="SiloAuthenticationException"/>, <see cref="SiloRequestException"/>.
/// </summary>
public sealed class SiloClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;

    /// <summary>A client for the silo at <paramref name="connection"/>.</summary>
    /// <param name="connection">Where the silo is, and its token.</param>
    /// <param name="reconnectWindow">How long the event stream keeps reconnecting before the silo counts as unreachable.</param>
    public SiloClient(SiloConnection connection, TimeSpan? reconnectWindow = null)
    {
        Connection = connection;
        ReconnectWindow = reconnectWindow ?? TimeSpan.FromSeconds(60);
        // Timeouts are per call (streams and downloads run as long as they need).
        _http = new HttpClient { BaseAddress = connection.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (connection.Token is { } token) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Where the silo is.</summary>
    public SiloConnection Connection { get; }

    /// <summary>How long <see cref="EventsAsync"/> keeps reconnecting to a silo that went away.</summary>
    public TimeSpan ReconnectWindow { get; }

    /// <summary>Submits a spec (<paramref name="format"/> <c>yaml</c> or <c>json</c>); an invalid one throws with every problem.</summary>
    public Task<RunDetail> SubmitAsync(string text, string format, CancellationToken cancellationToken)
    {
        var content = new StringContent(text, Encoding.UTF8, format == "json" ? ApiJson.MediaType : "application/yaml");
        return SendAsync<RunDetail>(HttpMethod.Post, "api/v1/runs", content, cancellationToken);
    }

    /// <summary>One run with its tasks.</summary>
    public Task<RunDetail> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync<RunDetail>(HttpMethod.Get, $"api/v1/runs/{Uri.EscapeDataString(runId)}", null, cancellationToken);

    /// <summary>The newest <paramref name="limit"/> runs.</summary>
    public Task<List<RunSummary>> ListRunsAsync(int limit, CancellationToken cancellationToken) =>
        SendAsync<List<RunSummary>>(HttpMethod.Get, $"api/v1/runs?limit={limit}", null, cancellationToken);

    /// <summary>Cancels a run; a finished run answers 409.</summary>
    public Task<RunDetail> CancelAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync<RunDetail>(HttpMethod.Post, $"api/v1/runs/{Uri.EscapeDataString(runId)}/cancel", null, cancellationToken);

    /// <summary>The artifacts a run has recorded.</summary>
    public Task<List<ArtifactView>> ListArtifactsAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync<List<ArtifactView>>(HttpMethod.Get, $"api/v1/runs/{Uri.EscapeDataString(runId)}/artifacts", null, cancellationToken);

    /// <summary>The silos that share the store.</summary>
    public Task<List<SiloView>> ListSilosAsync(CancellationToken cancellationToken) =>
        SendAsync<List<SiloView>>(HttpMethod.Get, "api/v1/silos", null, cancellationToken);

    /// <summary>The content of a small artifact (a report), read whole.</summary>
    public async Task<byte[]> ReadArtifactAsync(string runId, string name, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, ArtifactUri(runId, name)), HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads <paramref name="artifact"/> to <paramref name="path"/>: into a temporary file beside it, checked against its
    /// SHA-256, then renamed, so the path holds either the whole verified file or what it held before.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes received do not hash to the artifact's SHA-256.</exception>
    public async Task DownloadAsync(string runId, ArtifactView artifact, string path, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, ArtifactUri(runId, artifact.Name)), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            string hash;
            await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
            await using (var target = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
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
    /// A run's events after <paramref name="afterId"/>, as they happen, until the run finishes. When the stream breaks
    /// (the silo restarts, the network drops) it reconnects where it left off, for up to <see cref="ReconnectWindow"/>.
    /// </summary>
    public async IAsyncEnumerable<RunEventView> EventsAsync(string runId, long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterId;
        var brokenSince = (DateTimeOffset?)null;
        while (true)
        {
            var finished = false;
            await using var events = ReadStreamAsync(runId, last, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                RunEventView? next;
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false)) break;
                    next = events.Current;
                }
                catch (Exception e) when (e is SiloUnreachableException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    brokenSince ??= DateTimeOffset.UtcNow;
                    if (DateTimeOffset.UtcNow - brokenSince > ReconnectWindow)
                    {
                        throw new SiloUnreachableException($"silo {Connection.BaseAddress}: the event stream broke and did not come back within {ReconnectWindow.TotalSeconds:0} s: {e.Message}", e);
                    }

                    break;
                }

                brokenSince = null;
                last = next.Id;
                if (IsRunEnd(next.Kind)) finished = true;
                yield return next;
            }

            if (finished) yield break;
            if (brokenSince is null)
            {
                // The stream ended cleanly: it does so when the run has finished (its end event may predate afterId).
                var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
                if (run.State.IsTerminal()) yield break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ArtifactUri(string runId, string name) =>
        $"api/v1/runs/{Uri.EscapeDataString(runId)}/artifacts/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>Whether an event of <paramref name="kind"/> ends its run's stream.</summary>
    public static bool IsRunEnd(string kind) => kind is EventKinds.RunSucceeded or EventKinds.RunFailed or EventKinds.RunCancelled;

    private async IAsyncEnumerable<RunEventView> ReadStreamAsync(string runId, long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/runs/{Uri.EscapeDataString(runId)}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (afterId > 0) request.Headers.Add("Last-Event-ID", afterId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    var view = JsonSerializer.Deserialize<RunEventView>(data.ToString(), ApiJson.Options)
                        ?? throw new InvalidDataException("silo sent an empty event");
                    data.Clear();
                    yield return view;
                }

                continue;
            }

            // Only data lines matter: the event's id and kind are in its JSON as well. Comments (':') are keep-alives.
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0) data.Append('\n');
                data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
            }
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendRawAsync(new HttpRequestMessage(method, uri) { Content = content }, HttpCompletionOption.ResponseContentRead,
            timeout.Token, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"silo {Connection.BaseAddress}: empty answer to {method} {uri}");
    }

    private Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken) =>
        SendRawAsync(request, completion, cancellationToken, cancellationToken);

    /// <summary>Sends; maps transport failures and error statuses to the client's exceptions. <paramref name="caller"/> is the user's token.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion,
        CancellationToken cancellationToken, CancellationToken caller)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw new SiloUnreachableException($"silo {Connection.BaseAddress} is unreachable: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!caller.IsCancellationRequested)
        {
            throw new SiloUnreachableException($"silo {Connection.BaseAddress} did not answer within {RequestTimeout.TotalSeconds:0} s", e);
        }
        finally
        {
            request.Dispose();
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var problem = await ReadProblemAsync(response, caller).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new SiloAuthenticationException(
                    $"silo {Connection.BaseAddress} refused the request ({(int)response.StatusCode}): {problem.Error}; "
                    + $"set {SiloConnection.TokenVariable} to the silo's API token");
            }

            throw new SiloRequestException(response.StatusCode, problem, problem.Error);
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (JsonSerializer.Deserialize<ApiProblem>(text, ApiJson.Options) is { Error: not null } problem) return problem with { Problems = problem.Problems ?? [] };
        }
        catch (JsonException)
        {
            // Not our error body (a proxy's page, say): report the status and the text.
        }

        var line = text.ReplaceLineEndings(" ").Trim();
        return ApiProblem.Of($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(line.Length > 0 ? $": {line[..Math.Min(200, line.Length)]}" : "")}");
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
