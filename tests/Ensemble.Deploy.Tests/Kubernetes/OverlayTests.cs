using System.Text.Json.Nodes;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>Each overlay, rendered by the real kustomize, satisfies every invariant in <see cref="DeployInvariants"/>.</summary>
public sealed class OverlayTests
{
    [Theory]
    [InlineData("cpu", Flavor.Cpu)]
    [InlineData("gpu", Flavor.Gpu)]
    internal void Overlay_RendersAndSatisfiesEveryInvariant(string overlay, Flavor flavor)
    {
        var manifests = Kustomize.Render(RepositoryPaths.Overlay(overlay));

        var problems = DeployInvariants.Check(manifests, flavor);

        Assert.True(problems.Count == 0, $"overlays/{overlay}:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void GpuOverlay_AsksOneGpuPerSlot_OnGpuNodes_WithTheCudaImage()
    {
        var manifests = Kustomize.Render(RepositoryPaths.Overlay("gpu"));
        var silo = Silo(manifests);

        Assert.Equal("1", silo.ExpandedOption("--slots"));
        Assert.Equal("1", KubeObject.Text(silo.Json["resources"]?["limits"]?["nvidia.com/gpu"]));
        Assert.Equal("ensemble:cuda", silo.Image);
        Assert.Equal("true", KubeObject.Text(silo.Owner.PodSpec!["nodeSelector"]?["nvidia.com/gpu.present"]));
    }

    [Fact]
    public void CpuOverlay_AsksNoGpu_AndPinsTheCoresItRequests()
    {
        var manifests = Kustomize.Render(RepositoryPaths.Overlay("cpu"));
        var silo = Silo(manifests);

        Assert.Equal("ensemble:cpu", silo.Image);
        Assert.DoesNotContain("nvidia.com/gpu", manifests.Objects.Select(o => o.Json.ToJsonString()).Aggregate("", string.Concat), StringComparison.Ordinal);
        // limits.cpu = requests.cpu, so .NET sees that many processors and the slot uses that many libtorch threads.
        Assert.Equal("4", KubeObject.Text(silo.Json["resources"]?["requests"]?["cpu"]));
        Assert.Equal("4", KubeObject.Text(silo.Json["resources"]?["limits"]?["cpu"]));
    }

    [Fact]
    public void SiloWorkload_IsAStatefulSet_WhosePodNameIsTheSiloName()
    {
        var silo = Silo(Kustomize.Render(RepositoryPaths.Overlay("cpu")));

        Assert.Equal("StatefulSet", silo.Owner.Kind);
        Assert.Equal("$(POD_NAME)", silo.Option("--id"));
        Assert.Equal("metadata.name", silo.EnvFieldPath("POD_NAME"));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void Silo_RunsUnderOrleansKubernetesHosting_WithItsEnvironmentLabelsAndPorts(string overlay)
    {
        var silo = Silo(Kustomize.Render(RepositoryPaths.Overlay(overlay)));

        Assert.Contains("--kubernetes", silo.Args);
        Assert.DoesNotContain(silo.Args, a => a.StartsWith("--lease-seconds", StringComparison.Ordinal)); // removed with the lease-based task store
        Assert.Equal("metadata.name", silo.EnvFieldPath("POD_NAME"));
        Assert.Equal("metadata.namespace", silo.EnvFieldPath("POD_NAMESPACE"));
        Assert.Equal("status.podIP", silo.EnvFieldPath("POD_IP"));
        // One cluster id, in the flag, the variable the hosting prefers, and the label it selects pods by.
        Assert.Equal("$(ORLEANS_CLUSTER_ID)", silo.Option("--cluster-id"));
        Assert.Equal("ensemble", silo.EnvLiteral("ORLEANS_CLUSTER_ID"));
        Assert.Equal("ensemble", silo.EnvLiteral("ORLEANS_SERVICE_ID"));
        Assert.Equal("ensemble", silo.Owner.PodLabels["orleans/clusterId"]);
        Assert.Equal("ensemble", silo.Owner.PodLabels["orleans/serviceId"]);
        Assert.Equal(8470, DeployInvariants.ResolvePort(silo, "http"));
        Assert.Equal(11111, DeployInvariants.ResolvePort(silo, "silo"));
        Assert.Equal(30000, DeployInvariants.ResolvePort(silo, "gateway"));
        Assert.Null(silo.Option("--silo-port")); // not applied under --kubernetes: the ports are Orleans' defaults
        Assert.Null(silo.Option("--gateway-port"));
    }

    [Fact]
    public void SiloPods_RunAsAnAccountBoundToExactlyThePodVerbsOrleansKubernetesHostingNeeds()
    {
        var manifests = Kustomize.Render(RepositoryPaths.Overlay("cpu"));
        var pod = Silo(manifests).Owner.PodSpec!;

        Assert.Equal("ensemble-silo", KubeObject.Text(pod["serviceAccountName"]));
        Assert.Equal("true", KubeObject.Text(pod["automountServiceAccountToken"]));
        var account = Assert.Single(manifests.OfKind("ServiceAccount"));
        Assert.Equal("ensemble-silo", account.Name);
        var binding = Assert.Single(manifests.OfKind("RoleBinding", "ClusterRoleBinding"));
        Assert.Equal("RoleBinding", binding.Kind);
        var subject = Assert.Single(KubeObject.Items(binding.Json["subjects"]));
        Assert.Equal(("ServiceAccount", "ensemble-silo", "ensemble"),
            (KubeObject.Text(subject["kind"]), KubeObject.Text(subject["name"]), KubeObject.Text(subject["namespace"])));
        Assert.Equal(("Role", "ensemble-silo"), (KubeObject.Text(binding.Json["roleRef"]?["kind"]), KubeObject.Text(binding.Json["roleRef"]?["name"])));
        var role = Assert.Single(manifests.OfKind("Role", "ClusterRole"));
        Assert.Equal(("Role", "ensemble"), (role.Kind, role.Namespace));
        var rule = Assert.Single(KubeObject.Items(role.Json["rules"]));
        Assert.Equal([""], Strings(rule["apiGroups"]));
        Assert.Equal(["pods"], Strings(rule["resources"]));
        Assert.Equal(["get", "list", "patch", "watch"], Strings(rule["verbs"]).Order(StringComparer.Ordinal));
        Assert.Equal(KubernetesHostingInvariants.PodVerbs.Order(StringComparer.Ordinal), Strings(rule["verbs"]).Order(StringComparer.Ordinal));
    }

    internal static ContainerView Silo(RenderedManifests manifests) =>
        manifests.Objects.Where(o => o.PodSpec is not null)
            .SelectMany(o => o.Containers.Select(c => new ContainerView(o, c)))
            .Single(c => c.Args.FirstOrDefault() == "silo");

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(KubeObject.Text).OfType<string>().ToList();
}
