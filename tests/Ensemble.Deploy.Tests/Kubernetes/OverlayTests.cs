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
    public void SiloWorkload_IsAStatefulSet_WhosePodNameIsTheSiloId()
    {
        var silo = Silo(Kustomize.Render(RepositoryPaths.Overlay("cpu")));

        Assert.Equal("StatefulSet", silo.Owner.Kind);
        Assert.Equal("$(POD_NAME)", silo.Option("--id"));
        Assert.Equal("metadata.name", silo.EnvFieldPath("POD_NAME"));
    }

    internal static ContainerView Silo(RenderedManifests manifests) =>
        manifests.Objects.Where(o => o.PodSpec is not null)
            .SelectMany(o => o.Containers.Select(c => new ContainerView(o, c)))
            .Single(c => c.Args.FirstOrDefault() == "silo");
}
