using System.Text.RegularExpressions;

namespace Ensemble.Deploy.Tests.Docker;

/// <summary>
/// The two Dockerfiles install Debian packages only through scripts/install-debian-packages.sh and the one list
/// (as scripts/setup.sh does), build with scripts/setup.sh, are multi-stage, and run `ensemble silo` as a non-root user.
/// No Docker engine runs here: these read the files, and run the package script in its --print mode.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new() { "Dockerfile", "Dockerfile.cuda" };

    private static Dockerfile Load(string name) => Dockerfile.Load(RepositoryPaths.File("deploy", "docker", name));

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_InstallsPackagesOnlyThroughTheSharedScriptAndList(string name)
    {
        var dockerfile = Load(name);

        foreach (var run in dockerfile.Instructions.Where(i => i.Keyword == "RUN").Select(i => i.Arguments))
        {
            Assert.False(PackageManagerInstall().IsMatch(run), $"{name}: a RUN installs packages outside {PackageScript.ScriptPath}: {run}");
            foreach (var call in PackageScript.Calls(run))
            {
                Assert.Contains(RepositoryPaths.File(PackageScript.ListPath), call);
            }
        }

        var calls = dockerfile.Instructions.Where(i => i.Keyword == "RUN").SelectMany(i => PackageScript.Calls(i.Arguments)).ToList();
        Assert.True(calls.Count >= 2, $"{name}: expected the package script in the build and the runtime stage, found {calls.Count} call(s)");
    }

    [Fact]
    public void SetupScript_InstallsThroughTheSameScript_AndNothingElse()
    {
        var setup = File.ReadAllText(RepositoryPaths.File("scripts", "setup.sh"));

        Assert.Contains("\"$ROOT/scripts/install-debian-packages.sh\"", setup, StringComparison.Ordinal);
        Assert.Contains("\"$ROOT/scripts/debian-packages.txt\"", setup, StringComparison.Ordinal);
        Assert.DoesNotMatch(PackageManagerInstall(), setup);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void BuildStage_BuildsWithSetupScript_AndTheFinalStageRunsTheSiloAsNonRoot(string name)
    {
        var dockerfile = Load(name);

        Assert.True(dockerfile.Stages.Count >= 2, $"{name}: {dockerfile.Stages.Count} stage(s); expected a build and a runtime stage");
        var build = Assert.Single(dockerfile.Stages, s => s.Name == "build");
        Assert.Contains(build.Runs, r => r.Contains("scripts/setup.sh", StringComparison.Ordinal));
        Assert.Contains(dockerfile.Final.Instructions, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=build ", StringComparison.Ordinal));

        var user = dockerfile.Final.Instructions.Last(i => i.Keyword == "USER").Arguments;
        var uid = user.Split(':')[0];
        Assert.True(uid is not ("root" or "0") && int.TryParse(uid, out _), $"{name}: the final stage's USER is '{user}'; expected a numeric non-root uid (Kubernetes' runAsNonRoot can only verify a number)");
        Assert.Equal("[\"dotnet\", \"/opt/ensemble/ensemble.dll\"]", dockerfile.Final.Instructions.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
        Assert.StartsWith("[\"silo\",", dockerfile.Final.Instructions.Single(i => i.Keyword == "CMD").Arguments, StringComparison.Ordinal);
        Assert.Contains(dockerfile.Final.Instructions, i => i.Keyword == "COPY" && i.Arguments == "examples/ /opt/ensemble/examples/");
        Assert.Contains(dockerfile.Final.Instructions, i => i.Keyword == "COPY" && i.Arguments == "deploy/docker/ensemble /usr/local/bin/ensemble");
    }

    [Fact]
    public void CpuImage_RuntimeStage_GetsDebiansLibtorchAndOpenBlas_ButNoBuildTools()
    {
        var runtime = Load("Dockerfile").Final;

        var packages = runtime.Runs.SelectMany(PackageScript.Calls).SelectMany(PackageScript.Select).ToList();

        Assert.Equal(["libtorch1.13", "libopenblas0-openmp", "dataset-fashion-mnist", "ca-certificates"], packages);
        Assert.StartsWith("debian:bookworm", runtime.Image, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaImage_InstallsNoDebianLibtorch_BuildsAgainstPyTorchs_AndCopiesTheData()
    {
        var dockerfile = Load("Dockerfile.cuda");

        var everything = dockerfile.Stages.SelectMany(s => s.Runs).SelectMany(PackageScript.Calls).SelectMany(PackageScript.Select).ToList();
        Assert.DoesNotContain("libtorch-dev", everything);
        Assert.DoesNotContain("libtorch1.13", everything);
        Assert.DoesNotContain("libopenblas0-openmp", everything);

        var build = dockerfile.Stages.Single(s => s.Name == "build");
        Assert.StartsWith("pytorch/pytorch:", build.Image, StringComparison.Ordinal);
        Assert.EndsWith("-devel", build.Image, StringComparison.Ordinal);
        Assert.EndsWith("-runtime", dockerfile.Final.Image, StringComparison.Ordinal);
        var setup = Assert.Single(build.Runs, r => r.Contains("scripts/setup.sh", StringComparison.Ordinal));
        Assert.Contains("--without torch", setup, StringComparison.Ordinal);
        Assert.Contains("torch.utils.cmake_prefix_path", setup, StringComparison.Ordinal);
        Assert.Equal(["cmake", "g++", "make", "zlib1g-dev"], PackageScript.Select(["--only", "build", "--without", "torch", RepositoryPaths.File(PackageScript.ListPath)]));

        var data = dockerfile.Stages.Single(s => s.Name == "data");
        Assert.Equal(["dataset-fashion-mnist"], data.Runs.SelectMany(PackageScript.Calls).SelectMany(PackageScript.Select));
        Assert.Contains(dockerfile.Final.Instructions, i => i.Keyword == "COPY"
            && i.Arguments == "--from=data /usr/share/datasets/fashion-mnist /usr/share/datasets/fashion-mnist");
    }

    [Fact]
    public void ImageUser_IsTheUserTheManifestsRunAs()
    {
        var manifests = Kubernetes.Kustomize.Render(RepositoryPaths.Overlay("cpu"));
        var silo = Kubernetes.OverlayTests.Silo(manifests);
        var podUser = Kubernetes.KubeObject.Text(silo.Owner.PodSpec!["securityContext"]?["runAsUser"]);

        foreach (var name in new[] { "Dockerfile", "Dockerfile.cuda" })
        {
            Assert.Equal($"{podUser}:{podUser}", Load(name).Final.Instructions.Last(i => i.Keyword == "USER").Arguments);
        }
    }

    [Fact]
    public void Wrapper_RunsTheSameDll_AndDockerignoreKeepsHostBuildsOut()
    {
        var wrapper = File.ReadAllText(RepositoryPaths.File("deploy", "docker", "ensemble"));
        Assert.StartsWith("#!/bin/sh\n", wrapper, StringComparison.Ordinal);
        Assert.Contains("exec dotnet /opt/ensemble/ensemble.dll \"$@\"", wrapper, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(RepositoryPaths.File("deploy", "docker", "ensemble")) & UnixFileMode.UserExecute) != 0, "deploy/docker/ensemble must be executable");
        }

        var ignored = File.ReadAllLines(RepositoryPaths.File(".dockerignore"));
        Assert.Contains("artifacts/", ignored);
        Assert.Contains(".git", ignored);
    }

    // apt-get/apt/aptitude install, or dpkg -i: any package installation not through the shared script.
    [GeneratedRegex(@"\b(apt-get|apt|aptitude)\s+(-\S+\s+)*install\b|\bdpkg\s+(-\S+\s+)*(-i|--install)\b")]
    private static partial Regex PackageManagerInstall();
}
