using System.ComponentModel;
using System.Diagnostics;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>Renders a kustomization with the real kustomize built into <c>kubectl</c> (<c>kubectl kustomize DIR</c>).</summary>
internal static class Kustomize
{
    /// <summary>The rendered objects of the kustomization in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">kubectl is missing, or kustomize failed; the message says which and why.</exception>
    public static RenderedManifests Render(string directory) => RenderedManifests.Parse(RenderText(directory));

    public static string RenderText(string directory)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException(
                "kubectl is not installed (or not on PATH), so the manifests cannot be rendered: install it with "
                + "scripts/setup.sh --test (Debian package kubectl, listed in scripts/debian-packages-test.txt)", exception);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"kubectl kustomize {directory} did not finish in a minute");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {stderr.Result.Trim()}");
            }

            return stdout.Result;
        }
    }
}
