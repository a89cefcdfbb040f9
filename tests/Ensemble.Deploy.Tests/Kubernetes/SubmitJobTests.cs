using Ensemble.Contracts.Specs;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>The spec the submit Job sends: the image's examples/quick.yaml with the overlay's device appended, valid.</summary>
public sealed class SubmitJobTests
{
    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("gpu", "cuda")]
    public void JobSpec_IsQuickYamlOnTheOverlaysDevice_AndValid(string overlay, string device)
    {
        var job = Assert.Single(Kustomize.Render(RepositoryPaths.Overlay(overlay)).OfKind("Job"));
        var container = new ContainerView(job, Assert.Single(job.Containers));
        var script = Assert.Single(container.Args);
        Assert.Contains("{ cat /opt/ensemble/examples/quick.yaml; echo \"device: ${RUN_DEVICE}\"; } > /tmp/quick.yaml", script, StringComparison.Ordinal);
        Assert.Contains("exec ensemble submit /tmp/quick.yaml --wait", script, StringComparison.Ordinal);
        Assert.Equal(device, container.EnvLiteral("RUN_DEVICE"));

        // What the script writes, read by the same reader the silo uses.
        var text = File.ReadAllText(RepositoryPaths.File("examples", "quick.yaml")) + $"device: {device}\n";
        var spec = RunSpecReader.Parse(text, RunSpecReader.Yaml, "quick.yaml + device");

        Assert.Equal(device, spec.Device);
        Assert.Equal("quick", spec.Name);
    }

    [Fact]
    public void QuickYaml_SaysNoDevice_SoAppendingOneDoesNotDuplicateTheKey()
    {
        var lines = File.ReadAllLines(RepositoryPaths.File("examples", "quick.yaml"));

        Assert.DoesNotContain(lines, l => l.StartsWith("device:", StringComparison.Ordinal));
        Assert.EndsWith("\n", File.ReadAllText(RepositoryPaths.File("examples", "quick.yaml")), StringComparison.Ordinal);
    }
}
