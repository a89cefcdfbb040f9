using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ensemble.Cluster.Tests;

/// <summary>Submits runs to a silo over its HTTP API and reads their state; JSON is read as documents so the test checks the wire format itself.</summary>
internal sealed class RunWatcher(Uri silo) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Submits a YAML spec; returns the run id.</summary>
    public async Task<string> SubmitAsync(string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        using var response = await _http.PostAsync("/api/v1/runs", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submit: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The run with its tasks.</summary>
    public async Task<JsonElement> RunAsync(string runId) =>
        JsonDocument.Parse(await _http.GetStringAsync($"/api/v1/runs/{runId}")).RootElement;

    /// <summary>The task <paramref name="taskId"/> of the run.</summary>
    public async Task<JsonElement> TaskAsync(string runId, string taskId) =>
        (await RunAsync(runId)).GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == taskId);

    /// <summary>Every event of the run so far, read from its event stream's store through the API (oldest first).</summary>
    public async Task<IReadOnlyList<JsonElement>> EventsAsync(string runId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/runs/{runId}/events");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var events = new List<JsonElement>();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
            while (await reader.ReadLineAsync(cancel.Token) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(JsonDocument.Parse(line[6..]).RootElement);
            }
        }
        catch (OperationCanceledException)
        {
            // A run still going keeps the stream open: what arrived in 5 s is what there is.
        }

        return events;
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the run; fails with the last state after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitAsync(string runId, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement run = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                run = await RunAsync(runId);
                if (condition(run)) return run;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The silo being asked may be the one a test just stopped, or busy failing over; the next poll answers.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s; last state: {run}");
    }

    /// <summary>Cancels the run; returns it as the API answered.</summary>
    public async Task<JsonElement> CancelAsync(string runId)
    {
        using var response = await _http.PostAsync($"/api/v1/runs/{runId}/cancel", content: null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"cancel: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The newest runs (<c>GET /api/v1/runs</c>).</summary>
    public async Task<IReadOnlyList<JsonElement>> ListAsync() =>
        [.. JsonDocument.Parse(await _http.GetStringAsync("/api/v1/runs")).RootElement.EnumerateArray()];

    /// <summary>The silos the cluster knows (<c>GET /api/v1/silos</c>).</summary>
    public async Task<JsonElement> SilosAsync() => JsonDocument.Parse(await _http.GetStringAsync("/api/v1/silos")).RootElement;

    /// <summary>Polls until <paramref name="count"/> silos are alive with their slots advertised.</summary>
    public async Task WaitForSilosAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var silos = await SilosAsync();
                last = silos.ToString();
                if (silos.EnumerateArray().Count(s => s.GetProperty("alive").GetBoolean() && s.GetProperty("slots").GetInt32() > 0) >= count) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{count} live silos did not show within {timeout.TotalSeconds} s; last: {last}");
    }

    /// <summary>The state of <paramref name="taskId"/> in <paramref name="run"/>.</summary>
    public static JsonElement TaskOf(JsonElement run, string taskId) =>
        run.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == taskId);

    /// <summary>The epoch a task last reported, or 0.</summary>
    public static int Epoch(JsonElement task) =>
        task.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("epoch", out var e) && e.ValueKind == JsonValueKind.Number
            ? e.GetInt32() : 0;

    /// <summary>The run's state word.</summary>
    public static string State(JsonElement run) => run.GetProperty("state").GetString()!;

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
