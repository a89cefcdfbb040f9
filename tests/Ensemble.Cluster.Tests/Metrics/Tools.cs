using System.Diagnostics;

namespace Ensemble.Cluster.Tests.Metrics;

/// <summary>The Prometheus tools these tests check against (Debian <c>prometheus</c>, in scripts/debian-packages-test.txt), and the repository's files.</summary>
internal static class Tools
{
    /// <summary>The full path of <paramref name="tool"/> on PATH; fails, saying how to install it, when it is not there.</summary>
    public static string Require(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
        }

        throw new InvalidOperationException(
            $"'{tool}' is not on PATH: these tests check /metrics against the real Prometheus. Install Debian's prometheus package " +
            "(listed in scripts/debian-packages-test.txt; ./test.sh installs it), e.g. sudo apt-get install prometheus");
    }

    /// <summary>Runs <paramref name="tool"/> with <paramref name="stdin"/>; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, string stdin, params string[] arguments)
    {
        var info = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>A file of the repository, found by walking up from the test's directory.</summary>
    public static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
