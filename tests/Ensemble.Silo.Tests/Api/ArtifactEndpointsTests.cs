using System.Net.Http.Headers;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ensemble.Contracts.Api;

namespace Ensemble.Silo.Tests.Api;

public sealed class ArtifactEndpointsTests : IAsyncLifetime
{
    private const string Name = "tasks/teacher-0/weights.bin";
    private ApiHost _host = null!;
    private string _runId = null!;
    private byte[] _bytes = null!;
    private string _sha = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync();
        _runId = await _host.SubmitRunAsync();
        // 3000 bytes b[i] = i mod 251, so every range below has known content.
        _bytes = Enumerable.Range(0, 3000).Select(i => (byte)(i % 251)).ToArray();
        _sha = Convert.ToHexStringLower(SHA256.HashData(_bytes));
        var file = Path.Combine(_host.Directory, "weights.bin");
        await File.WriteAllBytesAsync(file, _bytes);
        var claim = (await _host.Store.ClaimAsync("silo-a", TimeSpan.FromMinutes(1), CancellationToken.None))!;
        Assert.Equal("teacher/0", claim.Lease.TaskId);
        await _host.Artifacts.PutAsync(claim.Lease, Name, file, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

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
        File.Delete(_host.Artifacts.BlobPath(_sha));

        using var response = await _host.Client.GetAsync($"/api/v1/runs/{_runId}/artifacts/{Name}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal($"artifact '{Name}' of run '{_runId}' is recorded but its content ({_sha}) is missing from the artifact store",
            (await response.ReadProblemAsync()).Error);
    }
}
