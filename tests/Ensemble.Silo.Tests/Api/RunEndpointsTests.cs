using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Grains;
using Ensemble.Silo.Tests.Testing;

namespace Ensemble.Silo.Tests.Api;

/// <summary><c>/api/v1/runs</c> on a real silo without task slots: submitted runs stay queued.</summary>
public sealed class RunEndpointsTests(RunEndpointsTests.Host fixture) : IClassFixture<RunEndpointsTests.Host>
{
    private readonly ApiHost _host = fixture.Host;

    /// <summary>The silo these tests share.</summary>
    public sealed class Host : ApiHostFixture;

    [Fact]
    public async Task Submit_yaml_answers_201_with_location_and_the_stored_run()
    {
        using var response = await _host.SubmitAsync(Specs.Yaml, "application/yaml");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = await response.ReadJsonAsync<RunDetail>();
        Assert.StartsWith("api-test-", run.Id, StringComparison.Ordinal);
        Assert.Equal($"/api/v1/runs/{run.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("api-test", run.Name);
        Assert.Equal(ApiRunState.Queued, run.State);
        Assert.Null(run.Error);
        Assert.Equal(Specs.TaskIds, run.Tasks.Select(t => t.Id));
        // Teachers have no dependencies, so they are ready; the rest wait.
        Assert.Equal([ApiTaskState.Ready, ApiTaskState.Ready, ApiTaskState.Pending, ApiTaskState.Pending, ApiTaskState.Pending],
            run.Tasks.Select(t => t.State));
        Assert.Equal(new TaskCounts(Pending: 3, Ready: 2, Running: 0, Succeeded: 0, Failed: 0, Cancelled: 0), run.TaskCounts);
        Assert.Equal(5, run.TaskCounts.Total);
        var teacher = run.Tasks[1];
        Assert.Equal(("teacher", 1, 0, 3), (teacher.Kind, teacher.Index, teacher.Attempt, teacher.MaxAttempts));
        Assert.Equal(["aggregate"], run.Tasks.Single(t => t.Id == "distill").DependsOn);
        Assert.Equal(["teacher/0", "teacher/1"], run.Tasks.Single(t => t.Id == "aggregate").DependsOn);
        // The spec comes back as an object (canonical: defaults filled in), not as a string.
        Assert.Equal(JsonValueKind.Object, run.Spec.ValueKind);
        Assert.Equal(2, run.Spec.GetProperty("teachers").GetProperty("count").GetInt32());
        Assert.Equal("synthetic", run.Spec.GetProperty("data").GetProperty("dataset").GetString());
    }

    [Fact]
    public async Task Submit_writes_lower_case_states_and_explicit_nulls()
    {
        using var response = await _host.SubmitAsync(Specs.Yaml);
        var json = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"state\":\"queued\"", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"ready\"", json, StringComparison.Ordinal);
        Assert.Contains("\"error\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"progress\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"max_attempts\":3", json, StringComparison.Ordinal);
        Assert.Contains("\"task_counts\":{\"pending\":3,\"ready\":2,", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData(null)] // sniffed: the first character is '{'
    public async Task Submit_json_is_read_as_json(string? contentType)
    {
        using var response = await _host.SubmitAsync(Specs.Json, contentType);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = await response.ReadJsonAsync<RunDetail>();
        Assert.Equal("api-json", run.Name);
        Assert.Equal(Specs.TaskIds, run.Tasks.Select(t => t.Id));
    }

    [Theory]
    [InlineData("text/yaml")]
    [InlineData("application/x-yaml")]
    [InlineData("text/x-yaml")]
    [InlineData("text/plain")]
    [InlineData(null)] // sniffed: the first character is not '{'
    public async Task Submit_yaml_media_types_are_read_as_yaml(string? contentType)
    {
        using var response = await _host.SubmitAsync(Specs.Yaml, contentType);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("api-test", (await response.ReadJsonAsync<RunDetail>()).Name);
    }

    [Fact]
    public async Task Json_sent_as_yaml_is_still_parsed_because_yaml_is_a_superset()
    {
        // The declared type decides the parser; the problems' positions are YAML's. Valid JSON is valid YAML.
        using var response = await _host.SubmitAsync(Specs.Json, "application/yaml");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_spec_answers_400_listing_every_problem_by_field_and_position()
    {
        // Line 3, column 3 has teachers.count = 0 (must be >= 1); line 5 has an unknown field under distillation.
        const string spec = """
            name: bad
            teachers:
              count: 0
            distillation:
              temprature: 2
            """;
        var before = await _host.RunCountAsync();
        using var response = await _host.SubmitAsync(spec);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("the run spec is invalid (2 problems)", problem.Error);
        Assert.Equal(2, problem.Problems.Count);
        var count = problem.Problems.Single(p => p.Path == "teachers.count");
        Assert.Equal((3, 3), (count.Line, count.Column));
        Assert.Contains(">= 1", count.Message, StringComparison.Ordinal);
        var unknown = problem.Problems.Single(p => p.Path.StartsWith("distillation.temprature", StringComparison.Ordinal));
        Assert.Equal(5, unknown.Line);
        Assert.Contains("temperature", unknown.Message, StringComparison.Ordinal); // the suggestion
        Assert.Equal(before, await _host.RunCountAsync());
    }

    [Fact]
    public async Task Json_syntax_error_answers_400_with_its_line_and_column()
    {
        using var response = await _host.SubmitAsync("{\n  \"name\": \"x\",\n  \"seed\": \n}", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        var syntax = Assert.Single(problem.Problems);
        Assert.Equal("", syntax.Path);
        Assert.Equal(4, syntax.Line);
        Assert.NotNull(syntax.Column);
    }

    [Fact]
    public async Task Body_over_the_limit_with_a_content_length_answers_413()
    {
        await using var host = await ApiHost.StartAsync(new() { MaxRequestBodyBytes = 1000 });
        var body = Specs.Yaml + "\n#" + new string('x', 1000);
        using var response = await host.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("the request body is larger than the limit of 1000 bytes", (await response.ReadProblemAsync()).Error);
        Assert.Equal(0, await host.RunCountAsync());
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_answers_413_although_it_declares_no_length()
    {
        await using var host = await ApiHost.StartAsync(new() { MaxRequestBodyBytes = 1000 });
        var bytes = Encoding.UTF8.GetBytes(Specs.Yaml + "\n#" + new string('x', 5000));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs") { Content = new StreamContent(new MemoryStream(bytes)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.Client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("the request body is larger than the limit of 1000 bytes", (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task Chunked_body_within_the_limit_is_accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Specs.Yaml))),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Unsupported_content_type_answers_415_naming_it()
    {
        using var response = await _host.SubmitAsync(Specs.Yaml, "text/html");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported Content-Type 'text/html': send application/json or application/yaml", (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task Body_that_is_not_utf8_answers_400()
    {
        var content = new ByteArrayContent([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xC3, 0x28]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        using var response = await _host.Client.PostAsync("/api/v1/runs", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = Assert.Single((await response.ReadProblemAsync()).Problems);
        Assert.Equal("the document is not valid UTF-8: byte 0xC3 at byte offset 6", problem.Message);
    }

    [Fact]
    public async Task List_gives_the_newest_runs_first_with_task_counts()
    {
        var first = await _host.SubmitRunAsync();
        var second = await _host.SubmitRunAsync(Specs.Json);
        var third = await _host.SubmitRunAsync();
        await _host.Runs.CancelAsync(second, CancellationToken.None);

        using var response = await _host.Client.GetAsync("/api/v1/runs");
        var runs = await response.ReadJsonAsync<List<RunSummary>>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Runs other tests submitted earlier come after these three.
        Assert.Equal([third, second, first], runs.Take(3).Select(r => r.Id));
        var cancelled = runs[1];
        Assert.Equal(("api-json", ApiRunState.Cancelled), (cancelled.Name, cancelled.State));
        Assert.Equal(new TaskCounts(0, 0, 0, 0, 0, Cancelled: 5), cancelled.TaskCounts);
        Assert.Equal(new TaskCounts(Pending: 3, Ready: 2, 0, 0, 0, 0), runs[0].TaskCounts);
    }

    [Fact]
    public async Task List_honours_the_limit()
    {
        await _host.SubmitRunAsync();
        var second = await _host.SubmitRunAsync();

        using var response = await _host.Client.GetAsync("/api/v1/runs?limit=1");

        Assert.Equal([second], (await response.ReadJsonAsync<List<RunSummary>>()).Select(r => r.Id));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("")]
    public async Task List_with_a_limit_outside_1_to_1000_answers_400(string limit)
    {
        using var response = await _host.Client.GetAsync($"/api/v1/runs?limit={limit}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"limit must be an integer from 1 to 1000, got '{limit}'", (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task Get_returns_what_submit_returned()
    {
        using var submitted = await _host.SubmitAsync(Specs.Yaml);
        var created = await submitted.ReadJsonAsync<RunDetail>();

        using var response = await _host.Client.GetAsync($"/api/v1/runs/{created.Id}");
        var run = await response.ReadJsonAsync<RunDetail>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((created.Id, created.Name, created.State, created.TaskCounts), (run.Id, run.Name, run.State, run.TaskCounts));
        Assert.Equal(created.Tasks.Select(t => (t.Id, t.State)), run.Tasks.Select(t => (t.Id, t.State)));
        Assert.Equal(created.Spec.GetRawText(), run.Spec.GetRawText());
    }

    [Fact]
    public async Task Get_shows_a_running_tasks_attempt_silo_and_progress()
    {
        var runner = new ScriptedRunner();
        await using var host = await ApiHost.StartAsync(slots: 1, runner: runner);
        var id = await host.SubmitRunAsync();
        // One slot: teacher/0 is placed and runs; teacher/1 waits, ready.
        var attempt = await runner.NextAsync();
        Assert.Equal((id, "teacher/0"), (attempt.Assignment.RunId, attempt.Assignment.TaskId));
        var grain = host.Silo.Grains.GetGrain<IRunGrain>(id);
        Assert.True(await grain.ReportProgress("teacher/0", attempt.Assignment.Fence, """{"epoch":1,"loss":0.5}""", "epoch 1"));

        var run = await (await host.Client.GetAsync($"/api/v1/runs/{id}")).ReadJsonAsync<RunDetail>();

        Assert.Equal(ApiRunState.Running, run.State);
        var task = run.Tasks.Single(t => t.Id == "teacher/0");
        Assert.Equal(ApiTaskState.Running, task.State);
        Assert.Equal(1, task.Attempt);
        Assert.Equal("test-silo", task.Silo);
        Assert.Null(task.NotBefore);
        Assert.NotNull(task.StartedAt);
        Assert.Equal(0.5, task.Progress!.Value.GetProperty("loss").GetDouble());
        Assert.Equal(1, task.Progress!.Value.GetProperty("epoch").GetInt32());
        Assert.Equal(new TaskCounts(Pending: 3, Ready: 1, Running: 1, 0, 0, 0), run.TaskCounts);
        var waiting = run.Tasks.Single(t => t.Id == "teacher/1");
        Assert.Equal((ApiTaskState.Ready, 0, null), (waiting.State, waiting.Attempt, waiting.Silo));
    }

    [Fact]
    public async Task Get_after_a_task_succeeded_shows_its_result_and_its_dependents_ready()
    {
        var runner = new ScriptedRunner();
        await using var host = await ApiHost.StartAsync(slots: 2, runner: runner);
        var id = await host.SubmitRunAsync();
        var grain = host.Silo.Grains.GetGrain<IRunGrain>(id);
        foreach (var teacher in new[] { "teacher/0", "teacher/1" })
        {
            var attempt = await runner.AttemptOfAsync(id, teacher);
            Assert.True(await grain.Complete(teacher, attempt.Assignment.Fence, new Ensemble.Contracts.Runs.TaskCompletion("""{"accuracy":0.75}""", [])));
            attempt.End();
        }

        var run = await (await host.Client.GetAsync($"/api/v1/runs/{id}")).ReadJsonAsync<RunDetail>();

        var done = run.Tasks.Single(t => t.Id == "teacher/1");
        Assert.Equal((ApiTaskState.Succeeded, 1, null), (done.State, done.Attempt, done.Silo));
        Assert.Equal(0.75, done.Result!.Value.GetProperty("accuracy").GetDouble());
        Assert.NotNull(done.FinishedAt);
        // Both teachers are done: the aggregate is ready (or already placed on a freed slot).
        Assert.Contains(run.Tasks.Single(t => t.Id == "aggregate").State, new[] { ApiTaskState.Ready, ApiTaskState.Running });
        Assert.Equal(ApiTaskState.Pending, run.Tasks.Single(t => t.Id == "distill").State);
    }

    [Fact]
    public async Task Get_after_a_failed_attempt_shows_its_error_and_when_it_is_retried()
    {
        var runner = new ScriptedRunner();
        await using var host = await ApiHost.StartAsync(slots: 1, runner: runner, configure: o => o with { RetryBackoff = TimeSpan.FromMinutes(1) });
        var id = await host.SubmitRunAsync();
        var attempt = await runner.AttemptOfAsync(id, "teacher/0");
        var failedAt = DateTimeOffset.UtcNow;
        Assert.Equal(Ensemble.Contracts.Runs.FailureOutcome.WillRetry,
            await host.Silo.Grains.GetGrain<IRunGrain>(id).Fail("teacher/0", attempt.Assignment.Fence, "CUDA out of memory"));
        attempt.End(Ensemble.Grains.Execution.AttemptOutcome.Failed);

        var run = await (await host.Client.GetAsync($"/api/v1/runs/{id}")).ReadJsonAsync<RunDetail>();

        var task = run.Tasks.Single(t => t.Id == "teacher/0");
        Assert.Equal((ApiTaskState.Ready, 1, 3, null, "CUDA out of memory"), (task.State, task.Attempt, task.MaxAttempts, task.Silo, task.Error));
        // The first back-off (a minute here) from the failure on.
        Assert.InRange(task.NotBefore!.Value, failedAt.AddSeconds(59), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(ApiRunState.Running, run.State);
    }

    [Fact]
    public async Task Get_of_an_unknown_run_answers_404()
    {
        using var response = await _host.Client.GetAsync("/api/v1/runs/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("run 'nope' not found", (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task Cancel_answers_the_cancelled_run_then_409_once_it_has_finished()
    {
        var id = await _host.SubmitRunAsync();

        using var cancelled = await _host.Client.PostAsync($"/api/v1/runs/{id}/cancel", null);
        var run = await cancelled.ReadJsonAsync<RunDetail>();
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(ApiRunState.Cancelled, run.State);
        Assert.All(run.Tasks, t => Assert.Equal(ApiTaskState.Cancelled, t.State));

        using var again = await _host.Client.PostAsync($"/api/v1/runs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal($"run '{id}' has already finished: it is cancelled", (await again.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task Cancel_of_an_unknown_run_answers_404()
    {
        using var response = await _host.Client.PostAsync("/api/v1/runs/nope/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("run 'nope' not found", (await response.ReadProblemAsync()).Error);
    }

    [Fact]
    public async Task Unknown_api_path_answers_404_with_a_problem()
    {
        using var response = await _host.Client.GetAsync("/api/v1/nothing/here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no API endpoint GET /api/v1/nothing/here", (await response.ReadProblemAsync()).Error);
    }
}
