using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>
/// deploy/README.md step 2 as written: its commands make the secret files, its kustomization on top of the gpu
/// overlay renders, and the result still satisfies every invariant, with the image and secrets replaced.
/// </summary>
public sealed partial class SiteOverlayTests
{
    private const string OverlayInReadme = "../ensemble/deploy/k8s/overlays/gpu";

    [Fact]
    public void ReadmeSiteOverlay_ReplacesImageAndSecrets_AndKeepsEveryInvariant()
    {
        var readme = File.ReadAllText(RepositoryPaths.File("deploy", "README.md"));
        var commands = Assert.Single(Blocks(readme, "bash"), b => b.Contains("store-url.txt", StringComparison.Ordinal));
        var kustomization = Assert.Single(Blocks(readme, "yaml"), b => b.Contains("behavior: replace", StringComparison.Ordinal));
        Assert.Contains(OverlayInReadme, kustomization, StringComparison.Ordinal);

        using var temp = new TempDirectory("ensemble-site-");
        RunBash(commands, temp.Path);
        var site = Path.Combine(temp.Path, "ensemble-site");
        var overlay = Path.GetRelativePath(site, RepositoryPaths.Overlay("gpu"));
        File.WriteAllText(Path.Combine(site, "kustomization.yaml"), kustomization.Replace(OverlayInReadme, overlay, StringComparison.Ordinal));

        var manifests = Kustomize.Render(site);

        var problems = DeployInvariants.Check(manifests, Flavor.Gpu);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal("registry.example.com/ensemble:cuda", OverlayTests.Silo(manifests).Image);
        var token = manifests.OfKind("Secret").Single(s => s.Name.StartsWith("ensemble-token-", StringComparison.Ordinal));
        var tokenValue = Encoding.UTF8.GetString(Convert.FromBase64String(KubeObject.Text(token.Json["data"]?["token"])!));
        Assert.Equal(File.ReadAllText(Path.Combine(site, "token.txt")), tokenValue);
        Assert.Matches(@"^[0-9a-f]{64}\z", tokenValue); // no trailing newline, no placeholder
        var values = manifests.OfKind("Secret").SelectMany(s => (s.Json["data"]?.AsObject() ?? []).Select(e =>
            (Name: $"{s.Name}/{e.Key}", Value: Encoding.UTF8.GetString(Convert.FromBase64String(KubeObject.Text(e.Value)!))))).ToList();
        Assert.Equal(3, values.Count);
        Assert.All(values, v => Assert.DoesNotContain("change-me", v.Value, StringComparison.Ordinal));
    }

    private static IEnumerable<string> Blocks(string markdown, string language) =>
        Block().Matches(markdown).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value);

    private static void RunBash(string script, string directory)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, WorkingDirectory = directory };
        start.ArgumentList.Add("-euc");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"README commands failed ({process.ExitCode}): {stderr}");
    }

    [GeneratedRegex(@"^```(\w+)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();
}
