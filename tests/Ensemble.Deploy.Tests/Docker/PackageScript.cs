using System.Diagnostics;

namespace Ensemble.Deploy.Tests.Docker;

/// <summary>Runs scripts/install-debian-packages.sh with <c>--print</c>: the packages a call would install, installing nothing.</summary>
internal static class PackageScript
{
    public const string ScriptPath = "scripts/install-debian-packages.sh";

    public const string ListPath = "scripts/debian-packages.txt";

    /// <summary>The packages selected by <paramref name="arguments"/> (options and lists, as a Dockerfile passes them).</summary>
    public static IReadOnlyList<string> Select(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root };
        start.ArgumentList.Add(RepositoryPaths.File(ScriptPath));
        start.ArgumentList.Add("--print");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{ScriptPath} --print {string.Join(' ', arguments)}: exit {process.ExitCode}: {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// The calls of the script in a RUN command: each call's options and lists, with a path to the list rewritten to
    /// the repository's (the images copy the list to /tmp/setup/ or scripts/).
    /// </summary>
    public static IEnumerable<IReadOnlyList<string>> Calls(string run)
    {
        var tokens = run.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (!tokens[i].EndsWith("install-debian-packages.sh", StringComparison.Ordinal)) continue;
            var call = new List<string>();
            int j = i + 1;
            while (j < tokens.Length)
            {
                if (tokens[j] is "--only" or "--without" && j + 1 < tokens.Length)
                {
                    call.Add(tokens[j]);
                    call.Add(tokens[j + 1]);
                    j += 2;
                }
                else if (tokens[j] is "--clean" or "--print")
                {
                    j++;
                }
                else if (tokens[j].EndsWith(".txt", StringComparison.Ordinal))
                {
                    call.Add(tokens[j].EndsWith("/debian-packages.txt", StringComparison.Ordinal) ? RepositoryPaths.File(ListPath) : tokens[j]);
                    j++;
                }
                else
                {
                    break;
                }
            }

            yield return call;
        }
    }
}
