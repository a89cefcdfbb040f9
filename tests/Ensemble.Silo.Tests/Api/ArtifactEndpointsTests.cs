using System.Net.Http.Headers;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Grains;
using Ensemble.Contracts.Runs;
using Ensemble.Silo.Tests.Testing;

namespace Ensemble.Silo.Tests.Api;

/// <summary>
/// <c>/api/v1/runs/{id}/artifacts</c> on a real silo: teacher/0 of a run stores a blob and completes with it under its
/// fence, as a real attempt does, so the run grain records the artifact.
/// </summary>
public sealed class ArtifactEndpointsTests(ArtifactEndpointsTests.Host fixture) : IClassFixture<ArtifactEndpointsTests.Host>
{
    private const string Name = "tasks/teacher-0/weights.bin";
    private readonly ApiHost _host = fixture.Api;
    private readonly string _runId = fixture.RunId;
    private readonly byte[] _bytes = fixture.Bytes;
    private readonly string _sha = fixture.Sha;
    private readonly ScriptedRunner _runner = fixture.Runner;

    /// <summary>A silo with one slot whose run's teacher/0 published <see cref="Name"/>; the run was then cancelled, which frees the slot.</summary>
    public sealed class Host : IAsyncLifetime
    {
        private ApiHost? _api;

        internal ApiHost Api => _api ?? throw new InvalidOperationException("the fixture is not initialized");

        internal ScriptedRunner Runner { get; } = new();

        /// <summary>The run holding the artifact.</summary>
        public string RunId { get; private set; } = "";

        /// <summary>3000 bytes b[i] = i mod 251, so every range has known content.</summary>
        public byte[] Bytes { get; } = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i % 251))];

        /// <summary>Their SHA-256.</summary>
        public string Sha => Convert.ToHexStringLower(SHA256.HashData(Bytes));

        /// <inheritdoc/>
        public async Task InitializeAsync()
        {
            _api = await ApiHost.StartAsync(slots: 1, runner: Runner);
            RunId = await _api.SubmitRunAsync();
            await PublishAsync(_api, Runner, RunId, Name, Bytes);
            await _api.Runs.CancelAsync(RunId, CancellationToken.None);
        }

        /// <inheritdoc/>
        public async Task DisposeAsync()
        {
            if (_api is not null) await _api.DisposeAsync();
        }
    }

    /// <summary>
    /// Waits for teacher/0 of <paramref name="runId"/> to be placed, stores <paramref name="bytes"/> as its artifact
    /// <paramref name="name"/> in the artifact store and completes the task with it under the attempt's fence.
    /// </summary>
    internal static async Task PublishAsync(ApiHost host, ScriptedRunner runner, string runId, string name, byte[] bytes)
    {
        var attempt = await runner.AttemptOfAsync(runId, "teacher/0");
        var file = Path.Combine(host.Directory, $"{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, bytes);
        var artifact = await host.Artifacts.StoreBlobAsync(runId, "teacher/0", name, file, CancellationToken.None);
        var grain = host.Silo.Grains.GetGrain<IRunGrain>(runId);
        Assert.True(await grain.Complete("teacher/0", attempt.Assignment.Fence, new TaskCompletion("{}", [artifact])));
        attempt.End();
    }

    [Fact]
    public async Task List_gives_each_artifact_with_its_hash_size_and_task()
    {
        using var response = await _host.Client.GetAsync($"/api/v1/runs/{_runId}/artifacts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var artifact = Assert.Single(await response.ReadJsonAsync<List<ArtifactView>>());
        Assert.Equal((Name, _sha, 3000L, "teacher/0"), (artifact.Name, artifact.Sha256, artifact.Size, artifact.TaskId));
        Assert.Contains($"\"sha256\":\"{_sha}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_gives_the_bytes_with_length_etag_and_hash()
    {
        using var response = await _host.Client.GetAsync($"/api/v1/runs/{_runId}/artifacts/{Name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(_bytes, body);
        Assert.Equal(_sha, Convert.ToHexStringLower(SHA256.HashData(body)));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3000, response.Content.Headers.ContentLength);
        Assert.Equal($"\"{_sha}\"", response.Headers.ETag?.Tag);
        Assert.Equal(_sha, response.Headers.GetValues("X-Content-SHA256").Single());
    }

    [Fact]
    public async Task Download_with_the_current_etag_answers_304()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/runs/{_runId}/artifacts/{Name}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{_sha}\""));
        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Download_of_a_range_gives_those_bytes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/runs/{_runId}/artifacts/{Name}");
        request.Headers.Range = new RangeHeaderValue(1000, 1009);
        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        // Bytes 1000..1009 are i mod 251: 1000 - 3*251 = 247, so 247..250 then 0..5.
        Assert.Equal(new byte[] { 247, 248, 249, 250, 0, 1, 2, 3, 4, 5 }, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Download_of_an_unknown_artifact_answers_404()
    {
        using var response = await _host.Client.GetAsync($"/api/v1/runs/{_runId}/artifacts/tasks/teacher-0/nothing.bin");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal($"run '{_runId}' has no artifact 'tasks/teacher-0/nothing.bin'", (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task Artifacts_of_an_unknown_run_answer_404()
    {
        using var list = await _host.Client.GetAsync("/api/v1/runs/nope/artifacts");
        using var download = await _host.Client.GetAsync($"/api/v1/runs/nope/artifacts/{Name}");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (list.StatusCode, download.StatusCode));
        Assert.Equal("run 'nope' not found", (await list.ReadProblemAsync()).Error);
        Assert.Equal("run 'nope' not found", (await download.ReadProblemAsync()).Error);
    }

    [Theory]
    [InlineData("..%2F..%2Fstore.db", "artifact name '../../store.db' has a '..' segment")]
    [InlineData("tasks%2F..%2F..%2Fstore.db", "artifact name 'tasks/../../store.db' has a '..' segment")]
    [InlineData("%2Fetc%2Fpasswd", "artifact name '/etc/passwd' is absolute (it must be relative to the run)")]
    [InlineData("tasks%5C..%5Cstore.db", "artifact name 'tasks\\..\\store.db' contains a backslash (use '/')")]
    public async Task Names_that_could_leave_the_run_answer_400(string escaped, string error)
    {
        using var response = await _host.Client.GetAsync($"/api/v1/runs/{_runId}/artifacts/{escaped}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await response.ReadProblemAsync()).Error);
    }

    [Theory]
    [InlineData("%2e%2e%2Fstore.db", "artifact name '../store.db' has a '..' segment")]
    [InlineData("%2E%2E%2F%2E%2E%2Fstore.db", "artifact name '../../store.db' has a '..' segment")]
    [InlineData("tasks\\..\\store.db", "artifact name 'tasks\\..\\store.db' contains a backslash (use '/')")]
    public async Task Encoded_dots_and_raw_backslashes_answer_400(string target, string error)
    {
        // Sent byte for byte: HttpClient would decode %2e and turn '\' into '/' itself.
        var (status, body) = await _host.RawGetAsync($"/api/v1/runs/{_runId}/artifacts/{target}");

        Assert.Equal(400, status);
        Assert.Equal(error, JsonSerializer.Deserialize<ApiProblem>(body, ApiJson.Options)!.Error);
    }

    [Fact]
    public async Task Dot_segments_in_the_path_never_reach_outside_the_run()
    {
        // The server removes dot segments before routing: what is left is a plain name inside the run, or no artifact route at all.
        var (inside, _) = await _host.RawGetAsync($"/api/v1/runs/{_runId}/artifacts/tasks/x/%2e%2e/teacher-0/weights.bin");
        var (outside, body) = await _host.RawGetAsync($"/api/v1/runs/{_runId}/artifacts/%2e%2e/%2e%2e/store.db");

        Assert.Equal(200, inside);
        Assert.Equal(404, outside);
        Assert.DoesNotContain("SQLite", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifact_whose_blob_is_gone_answers_500_naming_it()
    {
        // A run of its own, with content of its own: the shared artifact's blob stays.
        var runId = await _host.SubmitRunAsync();
        var bytes = "only this run's bytes"u8.ToArray();
        await PublishAsync(_host, _runner, runId, Name, bytes);
        await _host.Runs.CancelAsync(runId, CancellationToken.None);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.Delete(_host.Artifacts.BlobPath(sha));

        using var response = await _host.Client.GetAsync($"/api/v1/runs/{runId}/artifacts/{Name}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal($"artifact '{Name}' of run '{runId}' is recorded but its content ({sha}) is missing from the artifact store",
            (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task An_attempt_that_was_replaced_cannot_publish_and_the_current_attempts_artifact_is_served()
    {
        var runner = new ScriptedRunner();
        await using var host = await ApiHost.StartAsync(slots: 2, runner: runner);
        var runId = await host.SubmitRunAsync();
        var grain = host.Silo.Grains.GetGrain<IRunGrain>(runId);
        var first = await runner.AttemptOfAsync(runId, "teacher/0");
        Assert.Equal(FailureOutcome.WillRetry, await grain.Fail("teacher/0", first.Assignment.Fence, "its silo stalled"));
        first.End(Ensemble.Grains.Execution.AttemptOutcome.Failed);
        var second = await runner.AttemptOfAsync(runId, "teacher/0");
        Assert.True(second.Assignment.Fence > first.Assignment.Fence);

        // The first attempt comes back to life and tries to publish: its blob may land in the store, but the run refuses the record.
        var zombie = await StoreAsync(host, runId, "bytes from the replaced attempt"u8.ToArray());
        Assert.False(await grain.Complete("teacher/0", first.Assignment.Fence, new TaskCompletion("{}", [zombie])));
        var current = await StoreAsync(host, runId, "bytes from the current attempt"u8.ToArray());
        Assert.True(await grain.Complete("teacher/0", second.Assignment.Fence, new TaskCompletion("{}", [current])));
        second.End();

        using var list = await host.Client.GetAsync($"/api/v1/runs/{runId}/artifacts");
        using var download = await host.Client.GetAsync($"/api/v1/runs/{runId}/artifacts/{Name}");

        var listed = Assert.Single(await list.ReadJsonAsync<List<ArtifactView>>());
        Assert.Equal((Name, current.Sha256), (listed.Name, listed.Sha256));
        Assert.Equal("bytes from the current attempt", await download.Content.ReadAsStringAsync());

        static async Task<ArtifactRecord> StoreAsync(ApiHost host, string runId, byte[] bytes)
        {
            var file = Path.Combine(host.Directory, $"{Guid.NewGuid():N}.bin");
            await File.WriteAllBytesAsync(file, bytes);
            return await host.Artifacts.StoreBlobAsync(runId, "teacher/0", Name, file, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_cancelled_runs_artifacts_are_still_listed_and_served()
    {
        using var run = await _host.Client.GetAsync($"/api/v1/runs/{_runId}");
        using var list = await _host.Client.GetAsync($"/api/v1/runs/{_runId}/artifacts");

        Assert.Equal(ApiRunState.Cancelled, (await run.ReadJsonAsync<RunDetail>()).State);
        Assert.Equal([Name], (await list.ReadJsonAsync<List<ArtifactView>>()).Select(a => a.Name));
    }
}
