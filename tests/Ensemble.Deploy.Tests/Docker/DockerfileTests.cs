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
    public void CpuImage_CarriesNuGetsLibtorch_AndInstallsNoDebianLibtorch()
    {
        var dockerfile = Load("Dockerfile");

        var packages = dockerfile.Final.Runs.SelectMany(PackageScript.Calls).SelectMany(PackageScript.Select).ToList();
        Assert.Equal(["dataset-fashion-mnist", "ca-certificates"], packages);
        Assert.StartsWith("debian:bookworm", dockerfile.Final.Image, StringComparison.Ordinal);
        var build = dockerfile.Stages.Single(s => s.Name == "build");
        var setup = Assert.Single(build.Runs, r => r.Contains("scripts/setup.sh", StringComparison.Ordinal));
        Assert.Contains("test -f /out/runtimes/linux-x64/native/libLibTorchSharp.so", setup, StringComparison.Ordinal);
        Assert.Contains("test -f /out/runtimes/linux-x64/native/libtorch_cpu.so", setup, StringComparison.Ordinal);
        Assert.Contains(dockerfile.Final.Runs, r => r.Contains("ldd /opt/ensemble/runtimes/linux-x64/native/libLibTorchSharp.so", StringComparison.Ordinal));
    }

    [Fact]
    public void CudaImage_InstallsPyTorchsWheel_AndNoSecondLibtorch()
    {
        var dockerfile = Load("Dockerfile.cuda");

        var build = dockerfile.Stages.Single(s => s.Name == "build");
        var setup = Assert.Single(build.Runs, r => r.Contains("scripts/setup.sh", StringComparison.Ordinal));
        Assert.Contains("EnsembleLibTorch=external", setup, StringComparison.Ordinal);
        Assert.Contains("! test -e /out/runtimes/linux-x64/native/libtorch_cpu.so", setup, StringComparison.Ordinal);

        var runtime = dockerfile.Final;
        Assert.Contains("ARG TORCH_VERSION=2.10.0", File.ReadAllText(RepositoryPaths.File("deploy", "docker", "Dockerfile.cuda")), StringComparison.Ordinal);
        Assert.Contains("ARG TORCH_INDEX=https://download.pytorch.org/whl/cu128", File.ReadAllText(RepositoryPaths.File("deploy", "docker", "Dockerfile.cuda")), StringComparison.Ordinal);
        Assert.Contains(runtime.Runs, r => r.Contains("pip install --no-cache-dir \"torch==${TORCH_VERSION}\" --index-url \"${TORCH_INDEX}\"", StringComparison.Ordinal));
        Assert.Equal("/usr/local/lib/python3.12/site-packages/torch/lib", runtime.Env["ENSEMBLE_LIBTORCH"]);
        Assert.DoesNotContain(runtime.Instructions, i => i.Arguments.Contains("TorchSharp-cpu", StringComparison.Ordinal));

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
    public void ExposedPorts_AreTheSiloContainersPorts_ApiSiloAndGateway()
    {
        var manifests = Kubernetes.Kustomize.Render(RepositoryPaths.Overlay("cpu"));
        var silo = Kubernetes.OverlayTests.Silo(manifests);
        var declared = Kubernetes.KubeObject.Items(silo.Json["ports"]).Select(p => Kubernetes.KubeObject.Integer(p["containerPort"]) ?? 0).Order().ToList();
        Assert.Equal([8470, 11111, 30000], declared);

        foreach (var name in new[] { "Dockerfile", "Dockerfile.cuda" })
        {
            var exposed = Load(name).Final.Instructions.Where(i => i.Keyword == "EXPOSE")
                .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
            Assert.Equal(declared, exposed);
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

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void FinalStage_SetsTheLaunchersMallocSettings(string name)
    {
        // The repository's ./ensemble sets glibc's malloc for training (bench/RESULTS.md); an image must run the same way.
        var launcher = File.ReadAllText(RepositoryPaths.File("ensemble"));
        var expected = LauncherMallocDefault().Matches(launcher).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"], expected.Keys.Order());

        var env = Load(name).Final.Env;
        foreach (var (key, value) in expected)
        {
            Assert.True(env.TryGetValue(key, out var set), $"{name}: the final stage does not set {key}");
            Assert.Equal(value, set);
        }
    }

    // export NAME="${NAME:-value}" in the launcher: a default the user's own value overrides.
    [GeneratedRegex(@"export (MALLOC_\w+)=""\$\{\1:-(\d+)\}""")]
    private static partial Regex LauncherMallocDefault();

    // apt-get/apt/aptitude install, or dpkg -i: any package installation not through the shared script.
    [GeneratedRegex(@"\b(apt-get|apt|aptitude)\s+(-\S+\s+)*install\b|\bdpkg\s+(-\S+\s+)*(-i|--install)\b")]
    private static partial Regex PackageManagerInstall();
}
