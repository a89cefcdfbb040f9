using System.Diagnostics;

namespace Ensemble.Client.Tests;

/// <summary>Runs the real ensemble CLI (the built ensemble.dll) as a child process.</summary>
internal static class CliProcess
{
    public static (int ExitCode, string StdOut, string StdErr) Run(params string[] args) => Run(new Dictionary<string, string?>(), args);

    /// <summary>Runs with <paramref name="environment"/> added (a null value removes the variable).</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ensemble {string.Join(' ', args)} did not finish in 3 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the CLI with redirected output; the caller reads and waits.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ensemble.dll");
        // As a terminal starts a foreground command: SIGINT at its default even when this test host inherited it ignored (a
        // suite started in the background of a non-interactive shell does), so the Ctrl-C tests see what a user's Ctrl-C does.
        // env execs dotnet, so the process id stays the CLI's.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        // The tests' own environment must not point the CLI at a cluster or token it did not ask for.
        foreach (var name in new[] { "ENSEMBLE_CLUSTER", "ENSEMBLE_CLUSTER_ID", "ENSEMBLE_TOKEN", "ENSEMBLE_SILO" }) start.Environment.Remove(name);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }
}
