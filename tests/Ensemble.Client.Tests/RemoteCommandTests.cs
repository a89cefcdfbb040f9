using System.Text.Json;
using Ensemble.Tests.Tls;

namespace Ensemble.Client.Tests;

/// <summary>The remote verbs, an Orleans client in a child process, against a real silo in this process: the happy path, then each error a user can hit.</summary>
public sealed class RemoteCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-remote-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string?> Env(string? cluster = null, string? token = null) =>
        new() { ["ENSEMBLE_CLUSTER"] = cluster, ["ENSEMBLE_TOKEN"] = token };

    [Fact]
    public async Task SubmitWait_ThenStatusPullSilos_ThenCancelRefused()
    {
        await using var silo = await TestSilo.StartAsync(token: "s3cret");
        var env = Env(silo.Gateway, "s3cret");
        var spec = Write("tiny.yaml", TestSpecs.Tiny);

        var submitted = CliProcess.Run(env, "submit", spec, "--wait");
        Assert.True(submitted.ExitCode == 0, submitted.StdErr + submitted.StdOut);
        Assert.Contains("teacher/1", submitted.StdOut);
        Assert.Contains("epoch 4/4", submitted.StdOut);
        Assert.Contains("student vs baseline:", submitted.StdOut);
        var runId = (await silo.Runs.ListAsync(1, CancellationToken.None)).Single().Run.RunId;
        Assert.Contains($"submitted run {runId}", submitted.StdOut);

        var status = CliProcess.Run(env, "status", runId, "--json");
        Assert.Equal(0, status.ExitCode);
        using (var run = JsonDocument.Parse(status.StdOut))
        {
            Assert.Equal("succeeded", run.RootElement.GetProperty("state").GetString());
            Assert.Equal(6, run.RootElement.GetProperty("tasks").GetArrayLength());
        }

        var table = CliProcess.Run(env, "status");
        Assert.Contains(runId, table.StdOut);
        Assert.Contains("succeeded  6/6", table.StdOut);

        var pulled = Path.Combine(_directory, "pulled");
        var pull = CliProcess.Run(env, "pull", runId, "--out", pulled);
        Assert.True(pull.ExitCode == 0, pull.StdErr);
        Assert.Equal(["report.json", "report.md", "student.onnx", "student.safetensors"],
            Directory.GetFiles(pulled).Select(f => Path.GetFileName(f)).Order().ToArray());
        var all = CliProcess.Run(env, "pull", runId, "--out", pulled, "--all");
        Assert.Equal(0, all.ExitCode);
        Assert.True(File.Exists(Path.Combine(pulled, "tasks", "teacher-0", "model.safetensors")), all.StdOut);

        var silos = CliProcess.Run(env, "silos");
        Assert.Equal(0, silos.ExitCode);
        Assert.Matches(@"alive\s+1", silos.StdOut);

        var cancel = CliProcess.Run(env, "cancel", runId);
        Assert.Equal(2, cancel.ExitCode);
        Assert.Contains($"run '{runId}' has already finished: it is succeeded", cancel.StdErr);
    }

    [Fact]
    public async Task Watch_OfACancelledRun_ExitsWithTheCancelledCode_AndJsonLinesParse()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0); // nothing runs: the run stays queued
        var env = Env(silo.Gateway);
        var submitted = CliProcess.Run(env, "submit", Write("tiny.yaml", TestSpecs.Tiny), "--json");
        Assert.Equal(0, submitted.ExitCode);
        var runId = JsonDocument.Parse(submitted.StdOut).RootElement.GetProperty("id").GetString()!;

        using var watcher = CliProcess.Start(env, "watch", runId, "--json");
        var stdout = watcher.StandardOutput.ReadToEndAsync();
        await Task.Delay(1000);
        var cancel = CliProcess.Run(env, "cancel", runId);
        Assert.True(cancel.ExitCode == 0, cancel.StdErr);
        Assert.Contains($"cancelled run {runId}", cancel.StdOut);
        Assert.True(watcher.WaitForExit(TimeSpan.FromSeconds(30)));

        Assert.Equal(5, watcher.ExitCode);
        var kinds = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.TryGetProperty("kind", out _))
            .Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal("run-submitted", kinds[0]);
        Assert.Equal("run-cancelled", kinds[^1]);
    }

    [Fact]
    public void UnreachableCluster_ExitsWithItsCode_AndNamesTheAddressAndTheSocketError()
    {
        var (code, _, stderr) = CliProcess.Run("status", "--cluster", "127.0.0.1:1");
        Assert.Equal(3, code);
        Assert.Equal("error: cluster 127.0.0.1:1 is unreachable: 127.0.0.1:1: Connection refused", stderr.Trim());

        var submit = CliProcess.Run(Env("127.0.0.1:1"), "submit", Write("tiny.yaml", TestSpecs.Tiny));
        Assert.Equal(3, submit.ExitCode);
        var unresolved = CliProcess.Run("silos", "--cluster", "no-such-host.invalid:30000");
        Assert.Equal(3, unresolved.ExitCode);
        Assert.Contains("gateway host 'no-such-host.invalid' does not resolve", unresolved.StdErr);
    }

    [Fact]
    public async Task AnotherClusterId_IsUnreachable_NamingTheIdTried()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var (code, _, stderr) = CliProcess.Run(Env(silo.Gateway), "status", "--cluster-id", "not-this-one");
        Assert.Equal(3, code);
        Assert.Contains("no gateway let the client in within 15 s (is the cluster id 'not-this-one'?; a cluster with TLS on needs --cluster-ca)", stderr);
    }

    [Fact]
    public async Task OverTls_TheVerbsWork_TrustingTheClustersAuthority_FromTheOptionOrTheEnvironment()
    {
        var tls = TestCertificates.Create(Path.Combine(_directory, "tls"));
        await using var silo = await TestSilo.StartAsync(token: "s3cret", slots: 0, tls: tls);
        var silos = CliProcess.Run(Env(silo.Gateway, "s3cret"), "silos", "--cluster-ca", tls.Authority, "--json");
        Assert.True(silos.ExitCode == 0, silos.StdErr);
        Assert.Single(JsonDocument.Parse(silos.StdOut).RootElement.EnumerateArray());

        var environment = Env(silo.Gateway, "s3cret");
        environment["ENSEMBLE_CLUSTER_CA"] = tls.Authority;
        var submit = CliProcess.Run(environment, "submit", Write("tiny.yaml", TestSpecs.Tiny));
        Assert.True(submit.ExitCode == 0, submit.StdErr);
        Assert.Equal(1, await silo.RunCountAsync());
        // TLS encrypts; the token still decides who may call.
        var tokenless = CliProcess.Run(Env(silo.Gateway), "status", "--cluster-ca", tls.Authority);
        Assert.Equal(4, tokenless.ExitCode);
    }

    [Fact]
    public async Task OverTls_AGatewayCertificateAnotherAuthorityIssued_IsRefusedWithTheCredentialsCode_NamingBoth()
    {
        var tls = TestCertificates.Create(Path.Combine(_directory, "tls"));
        var other = TestCertificates.Create(Path.Combine(_directory, "other"), "another-ca");
        await using var silo = await TestSilo.StartAsync(slots: 0, tls: tls);
        var (code, _, stderr) = CliProcess.Run(Env(silo.Gateway), "status", "--cluster-ca", other.Authority);
        Assert.Equal(4, code);
        Assert.Contains($"the gateway {silo.Gateway} presented the TLS certificate 'CN=ensemble-silo'", stderr);
        Assert.Contains($"which the authority in '{other.Authority}' (--cluster-ca) did not issue", stderr);

        var missing = Path.Combine(_directory, "missing.crt");
        var absent = CliProcess.Run(Env(silo.Gateway), "status", "--cluster-ca", missing);
        Assert.Equal(2, absent.ExitCode);
        Assert.Contains($"--cluster-ca: '{missing}' does not exist", absent.StdErr);
    }

    [Fact]
    public async Task TlsAgainstAPlainGateway_AndPlainAgainstATlsOne_AreUnreachable_SayingWhatToCheck()
    {
        var tls = TestCertificates.Create(Path.Combine(_directory, "tls"));
        await using (var plain = await TestSilo.StartAsync(slots: 0))
        {
            var (code, _, stderr) = CliProcess.Run(Env(plain.Gateway), "status", "--cluster-ca", tls.Authority);
            Assert.Equal(3, code);
            Assert.Contains("is TLS on for the cluster", stderr);
        }

        await using var encrypted = await TestSilo.StartAsync(slots: 0, tls: tls);
        var plainClient = CliProcess.Run(Env(encrypted.Gateway), "status");
        Assert.Equal(3, plainClient.ExitCode);
        Assert.Contains("a cluster with TLS on needs --cluster-ca", plainClient.StdErr);
    }

    [Fact]
    public void NoClusterGiven_IsBadInput_SayingHowToGiveOne()
    {
        var (code, _, stderr) = CliProcess.Run("silos");
        Assert.Equal(2, code);
        Assert.Equal("error: --cluster: no cluster given; pass --cluster HOST:30000 or set ENSEMBLE_CLUSTER", stderr.Trim());
        var former = CliProcess.Run(new Dictionary<string, string?> { ["ENSEMBLE_SILO"] = "http://silo:8470" }, "silos");
        Assert.Equal(2, former.ExitCode);
        Assert.Contains("ENSEMBLE_SILO, an HTTP URL, is no longer read", former.StdErr);
        foreach (var bad in new[] { "http://silo:8470", "silo:0", "silo:http", ":30000" })
        {
            var refused = CliProcess.Run("silos", "--cluster", bad);
            Assert.True(refused.ExitCode == 2, $"{bad}: {refused.ExitCode} {refused.StdErr}");
            Assert.Contains("--cluster: expected HOST:PORT of a silo's gateway", refused.StdErr);
            Assert.Contains($"got '{bad}'", refused.StdErr);
        }
    }

    [Fact]
    public async Task WrongOrMissingToken_ExitsWithTheAuthCode_ForEveryVerb_AndStoresNothing()
    {
        await using var silo = await TestSilo.StartAsync(token: "right");
        var spec = Write("tiny.yaml", TestSpecs.Tiny);

        var wrong = CliProcess.Run(Env(silo.Gateway, "wrong"), "submit", spec);
        Assert.Equal(4, wrong.ExitCode);
        Assert.Contains($"cluster {silo.Gateway} refused the request: the cluster refused the client's token", wrong.StdErr);
        Assert.Contains("set ENSEMBLE_TOKEN", wrong.StdErr);
        foreach (var args in new[] { ["status"], ["silos"], ["cancel", "any-1"], ["watch", "any-1"], new[] { "pull", "any-1", "--out", Path.Combine(_directory, "p") } })
        {
            var missing = CliProcess.Run(Env(silo.Gateway), args);
            Assert.True(missing.ExitCode == 4, $"{string.Join(' ', args)}: {missing.ExitCode} {missing.StdErr}");
            Assert.Contains("the cluster requires a token and the client sent none", missing.StdErr);
        }

        Assert.Equal(0, await silo.RunCountAsync());
    }

    [Fact]
    public async Task InvalidOrMalformedSpec_ListsEveryProblem_AndStoresNothing()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var env = Env(silo.Gateway);

        var invalid = CliProcess.Run(env, "submit", Write("bad.yaml", TestSpecs.Invalid));
        Assert.Equal(2, invalid.ExitCode);
        TestSpecs.AssertListsEveryProblem(invalid.StdErr);
        Assert.Contains("bad.yaml", invalid.StdErr);

        var malformed = CliProcess.Run(env, "submit", Write("broken.yaml", "teachers: {count: 3\nseed: [1,"));
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("broken.yaml", malformed.StdErr);
        Assert.Matches(@"broken\.yaml:\d+:\d+", malformed.StdErr);

        Assert.Equal(0, await silo.RunCountAsync());
    }

    [Fact]
    public async Task UnknownRunId_IsBadInput_ForEveryVerb_AndPullWritesNothing()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var env = Env(silo.Gateway);
        var target = Path.Combine(_directory, "nothing");
        foreach (var args in new[] { ["status", "nope-1"], ["watch", "nope-1"], ["cancel", "nope-1"], new[] { "pull", "nope-1", "--out", target } })
        {
            var (code, _, stderr) = CliProcess.Run(env, args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: {code} {stderr}");
            Assert.Contains("run 'nope-1' not found", stderr);
        }

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Pull_IntoAnUnwritableDirectory_NamesIt_AndChangesNothing()
    {
        await using var silo = await TestSilo.StartAsync(slots: 0);
        var env = Env(silo.Gateway);
        var submitted = CliProcess.Run(env, "submit", Write("tiny.yaml", TestSpecs.Tiny), "--json");
        var runId = JsonDocument.Parse(submitted.StdOut).RootElement.GetProperty("id").GetString()!;
        var file = Write("a-file", "x");

        var (code, _, stderr) = CliProcess.Run(env, "pull", runId, "--out", Path.Combine(file, "sub"));
        Assert.Equal(2, code);
        Assert.Contains($"--out: cannot write to {Path.Combine(file, "sub")}", stderr);
        Assert.Equal("x", File.ReadAllText(file));
    }
}
