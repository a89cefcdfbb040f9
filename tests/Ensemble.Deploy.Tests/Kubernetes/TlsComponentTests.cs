using Ensemble.Client.Commands;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>
/// <c>components/tls</c> on top of each overlay: every invariant still holds, the silos turn TLS on with files the
/// <c>ensemble-tls</c> secret mounts (arguments the real silo command parses), and the submit Job trusts its authority.
/// </summary>
public sealed class TlsComponentTests
{
    private const string Secret = "ensemble-tls";

    [Theory]
    [InlineData("cpu", Flavor.Cpu)]
    [InlineData("gpu", Flavor.Gpu)]
    internal void TlsComponent_TurnsTlsOnForTheSilosAndTheSubmitJob_FromTheSecretItMounts(string overlay, Flavor flavor)
    {
        using var temp = new TempDirectory("ensemble-tls-site-");
        File.WriteAllText(Path.Combine(temp.Path, "kustomization.yaml"), $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - {Path.GetRelativePath(temp.Path, RepositoryPaths.Overlay(overlay))}
            components:
              - {Path.GetRelativePath(temp.Path, Path.Combine(RepositoryPaths.K8s, "components", "tls"))}
            """);
        var manifests = Kustomize.Render(temp.Path);
        var problems = DeployInvariants.Check(manifests, flavor);
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        var silo = OverlayTests.Silo(manifests);
        // Literals expanded; the secret and downward-API values stand in as a sample.
        var parsed = SiloCommand.Create().Parse([.. silo.Args.Skip(1).Select(silo.Expand).Select(a => a.Contains("$(", StringComparison.Ordinal) ? "sample" : a)]);
        Assert.True(parsed.Errors.Count == 0, string.Join('\n', parsed.Errors.Select(e => e.Message)));
        var siloMount = SecretMount(silo);
        Assert.Equal($"{siloMount}/tls.crt", parsed.GetValue<string>("--tls-certificate"));
        Assert.Equal($"{siloMount}/tls.key", parsed.GetValue<string>("--tls-key"));
        Assert.Equal($"{siloMount}/ca.crt", parsed.GetValue<string>("--tls-ca"));

        var submit = new ContainerView(Assert.Single(manifests.OfKind("Job")), Assert.Single(Assert.Single(manifests.OfKind("Job")).Containers));
        var submitMount = SecretMount(submit, onlyKey: "ca.crt");
        Assert.Equal($"{submitMount}/ca.crt", submit.EnvLiteral("ENSEMBLE_CLUSTER_CA"));
    }

    /// <summary>Where <paramref name="container"/> mounts the TLS secret (read-only); with <paramref name="onlyKey"/>, that key is all it projects.</summary>
    private static string SecretMount(ContainerView container, string? onlyKey = null)
    {
        var volume = Assert.Single(KubeObject.Items(container.Owner.PodSpec!["volumes"]), v => KubeObject.Text(v["secret"]?["secretName"]) == Secret);
        var keys = KubeObject.Items(volume["secret"]?["items"]).Select(i => KubeObject.Text(i["key"])).ToList();
        Assert.Equal(onlyKey is null ? [] : [onlyKey], keys);
        var name = KubeObject.Text(volume["name"]);
        var mount = Assert.Single(KubeObject.Items(container.Json["volumeMounts"]), m => KubeObject.Text(m["name"]) == name);
        Assert.Equal("true", mount["readOnly"]?.ToString());
        return KubeObject.Text(mount["mountPath"])!;
    }
}
