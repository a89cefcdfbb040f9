using System.Text.Json;
using System.Text.RegularExpressions;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Runs;
using Ensemble.Contracts.Specs;
using Ensemble.Silo.Api;

namespace Ensemble.Silo.Tests.Api;

/// <summary>The wire format both sides share, and the mapping from the run grains' records to it.</summary>
public sealed class ApiJsonTests
{
    private static readonly DateTimeOffset _at = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Task_view_is_snake_case_with_lower_case_states_and_explicit_nulls()
    {
        var task = new TaskRecord("r", "teacher/0", "teacher", 0, TaskState.Running, 2, 3, 7, "silo-a", null,
            """{"epoch":3}""", null, "out of memory", _at, null, []);

        var json = JsonSerializer.Serialize(ApiViews.Task(task), ApiJson.Options);

        Assert.Equal(Compact("""
            {"id": "teacher/0", "kind": "teacher", "index": 0, "state": "running", "attempt": 2, "max_attempts": 3,
             "silo": "silo-a", "not_before": null,
             "progress": {"epoch": 3}, "result": null, "error": "out of memory",
             "started_at": "2025-03-01T12:00:00+00:00", "finished_at": null, "depends_on": []}
            """), json);
    }

    [Fact]
    public void Run_detail_round_trips_through_the_shared_options()
    {
        var run = new RunRecord("r-1", "demo", """{"name":"demo","seed":1}""", RunState.Failed, 2, _at, _at.AddMinutes(1), "teacher/1 failed");
        var tasks = new[]
        {
            new TaskRecord("r-1", "teacher/0", "teacher", 0, TaskState.Succeeded, 1, 3, 1, null, null, null, """{"accuracy":0.9}""",
                null, _at, _at, []),
            new TaskRecord("r-1", "report", "report", 0, TaskState.Cancelled, 0, 3, 0, null, null, null, null, null, null, _at, ["teacher/0"]),
        };
        var detail = ApiViews.Detail(new RunSnapshot(run, tasks));

        var back = JsonSerializer.Deserialize<RunDetail>(JsonSerializer.Serialize(detail, ApiJson.Options), ApiJson.Options)!;

        Assert.Equal((detail.Id, detail.Name, detail.State, detail.Error, detail.TaskCounts), (back.Id, back.Name, back.State, back.Error, back.TaskCounts));
        Assert.Equal(new TaskCounts(0, 0, 0, Succeeded: 1, 0, Cancelled: 1), back.TaskCounts);
        Assert.Equal(1, back.Spec.GetProperty("seed").GetInt32());
        Assert.Equal(0.9, back.Tasks[0].Result!.Value.GetProperty("accuracy").GetDouble());
        Assert.Null(back.Tasks[1].Result);
        Assert.Equal(["teacher/0"], back.Tasks[1].DependsOn);
    }

    [Fact]
    public void Reading_is_strict_about_nulls_and_enum_words()
    {
        const string nullName = """{"name":null,"sha256":"ab","size":1,"task_id":"t","created_at":"2025-03-01T12:00:00+00:00"}""";
        const string numericState = """{"id":"r","name":"n","state":2,"created_at":"2025-03-01T12:00:00Z","updated_at":"2025-03-01T12:00:00Z","error":null,"task_counts":{"pending":0,"ready":0,"running":0,"succeeded":0,"failed":0,"cancelled":0}}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ArtifactView>(nullName, ApiJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunSummary>(numericState, ApiJson.Options));
        var ok = JsonSerializer.Deserialize<RunSummary>(numericState.Replace("\"state\":2", "\"state\":\"succeeded\"", StringComparison.Ordinal), ApiJson.Options)!;
        Assert.Equal(ApiRunState.Succeeded, ok.State);
    }

    [Fact]
    public void Spec_problems_keep_path_message_and_position()
    {
        var exception = new RunSpecException(
        [
            new SpecProblem("teachers.count", "must be >= 1") { Line = 3, Column = 10 },
            new SpecProblem("distillation", "unknown field") { Line = null, Column = null },
        ]);

        var problem = ApiViews.Problem(exception);
        var json = JsonSerializer.Serialize(problem, ApiJson.Options);

        Assert.Equal(Compact("""
            {"error": "the run spec is invalid (2 problems)",
             "problems": [{"path": "teachers.count", "message": "must be \u003E= 1", "line": 3, "column": 10},
                          {"path": "distillation", "message": "unknown field", "line": null, "column": null}]}
            """), json);
        Assert.Equal("3:10: teachers.count: must be >= 1", problem.Problems[0].ToString());
    }

    [Fact]
    public void Terminal_states_are_succeeded_failed_and_cancelled()
    {
        Assert.Equal([ApiRunState.Succeeded, ApiRunState.Failed, ApiRunState.Cancelled],
            Enum.GetValues<ApiRunState>().Where(s => s.IsTerminal()));
        Assert.Equal(Enum.GetNames<RunState>().Select(n => n.ToLowerInvariant()), Enum.GetValues<RunState>().Select(s => s.ToApi().ToWire()));
        Assert.Equal(Enum.GetNames<TaskState>().Select(n => n.ToLowerInvariant()), Enum.GetValues<TaskState>().Select(s => s.ToApi().ToWire()));
    }

    [Fact]
    public void Sse_frames_carry_id_kind_and_one_line_of_json()
    {
        var frames = EventStreamEndpoint.Format([new RunEvent(42, "r", _at, "teacher/0", "task-progress", "epoch 1\nof 3", """{"epoch":1}""")]);

        Assert.Equal(
            "id: 42\nevent: task-progress\ndata: " +
            """{"id":42,"run_id":"r","at":"2025-03-01T12:00:00+00:00","task_id":"teacher/0","kind":"task-progress","message":"epoch 1\nof 3","data":{"epoch":1}}""" +
            "\n\n",
            frames);
    }

    /// <summary><paramref name="json"/> without the white space between tokens (strings here hold no escaped quotes).</summary>
    private static string Compact(string json) => Regex.Replace(json, "\\s+(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", "");
}
