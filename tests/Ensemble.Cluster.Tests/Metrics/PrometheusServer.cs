using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace Ensemble.Cluster.Tests.Metrics;

/// <summary>
/// A real Prometheus on a free loopback port with a temporary TSDB, scraping the given targets every second as job
/// <see cref="Job"/>; queried through its HTTP API; killed on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    /// <summary>The job name the targets are scraped under.</summary>
    public const string Job = "ensemble";

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _output = [];
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, Uri url)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Everything it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (<c>host:port</c>) and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(params string[] targets)
    {
        var binary = Tools.Require("prometheus");
        var directory = Directory.CreateTempSubdirectory("ensemble-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {Job}
                static_configs:
                  - targets: [{string.Join(", ", targets)}]
            """);
        var port = FreePort();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                if ((await server._http.GetAsync("/-/ready")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"prometheus was not ready within 30 s:\n{server.Output}");
    }

    /// <summary>
    /// <c>/api/v1/query_range</c> of <paramref name="expression"/> from <paramref name="start"/> to <paramref name="end"/>,
    /// one step a second: the response's status (<c>success</c> or <c>error</c> with its error) and its series.
    /// </summary>
    public async Task<(string Status, string? Error, int Series)> QueryRangeAsync(string expression, DateTimeOffset start, DateTimeOffset end)
    {
        var query = $"/api/v1/query_range?query={Uri.EscapeDataString(expression)}&start={Seconds(start)}&end={Seconds(end)}&step=1";
        using var response = await _http.GetAsync(query);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var status = body.GetProperty("status").GetString()!;
        if (status != "success") return (status, body.TryGetProperty("error", out var error) ? error.GetString() : null, 0);
        return (status, null, body.GetProperty("data").GetProperty("result").GetArrayLength());
    }

    /// <summary>The value of the single series <paramref name="expression"/> gives now, or null when it gives none.</summary>
    public async Task<double?> QueryScalarAsync(string expression)
    {
        var body = JsonDocument.Parse(await _http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}")).RootElement;
        var result = body.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0) return null;
        return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>The values of label <paramref name="label"/> over the series <paramref name="expression"/> gives now.</summary>
    public async Task<IReadOnlyList<string>> QueryLabelAsync(string expression, string label)
    {
        var body = JsonDocument.Parse(await _http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}")).RootElement;
        return [.. body.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(series => series.GetProperty("metric").TryGetProperty(label, out var value) ? value.GetString()! : "")];
    }

    /// <summary>Waits until <paramref name="expression"/> is <paramref name="value"/> in Prometheus.</summary>
    public async Task WaitForAsync(string expression, double value, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        double? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await QueryScalarAsync(expression);
            if (last == value) return;
            await Task.Delay(250);
        }

        throw new TimeoutException($"{expression} was not {value} in Prometheus within {timeout.TotalSeconds} s (last: {last?.ToString(CultureInfo.InvariantCulture) ?? "no data"}):\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    private static string Seconds(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
