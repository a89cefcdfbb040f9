using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ensemble.Cluster.Tests;

/// <summary>A real <c>ensemble silo</c> process: started, waited on until it serves, killed or terminated, its output kept.</summary>
internal sealed partial class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private SiloProcess(Process process, string id, Uri url)
    {
        _process = process;
        Id = id;
        Url = url;
    }

    /// <summary>The silo id it was given.</summary>
    public string Id { get; }

    /// <summary>Its API.</summary>
    public Uri Url { get; }

    /// <summary>Everything it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>Its exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>True once it exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a silo on a free loopback port and waits until <c>/healthz</c> answers.</summary>
    public static async Task<SiloProcess> StartAsync(string id, string store, string artifacts, params string[] extra)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     CliPath(), "silo", "--store", store, "--artifacts", artifacts, "--urls", url.ToString().TrimEnd('/'), "--id", id,
                     "--silo-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--gateway-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--advertise", "127.0.0.1",
                     "--threads", "1",
                 }.Concat(extra))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var silo = new SiloProcess(process, id, url);
        process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"silo {id} exited with {process.ExitCode}:\n{silo.Output}");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return silo;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        silo.Dispose();
        throw new TimeoutException($"silo {id} did not serve /healthz within 60 s:\n{silo.Output}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    /// <summary>kill -9: no chance to checkpoint, release or say goodbye.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as Kubernetes sends when it stops a pod.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for it to exit; false on timeout.</summary>
    /// <summary>Freezes the process (SIGSTOP), as a hung node: it neither answers nor writes until <see cref="Thaw"/>.</summary>
    public void Freeze()
    {
        if (SendSignal(_process.Id, 19) != 0) throw new InvalidOperationException($"kill(SIGSTOP) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Lets a frozen process go on (SIGCONT).</summary>
    public void Thaw()
    {
        if (SendSignal(_process.Id, 18) != 0) throw new InvalidOperationException($"kill(SIGCONT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return _process.WaitForExitAsync(cancel.Token).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
    }

    /// <summary>Kills it if it still runs.</summary>
    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built CLI (artifacts/bin/Ensemble.Client/release/ensemble.dll), found by walking up from the test's directory.</summary>
    /// <summary>The built CLI, ensemble.dll.</summary>
    public static string CliPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "bin", "Ensemble.Client", "release", "ensemble.dll");
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException("ensemble.dll not found under artifacts/bin/Ensemble.Client/release; build the solution first");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
