using System.Text.Json;
using Ensemble.Contracts;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Specs;
using Ensemble.Contracts.Runs;

namespace Ensemble.Silo.Api;

/// <summary>Maps the grains' run records to the API's wire types (<see cref="Ensemble.Contracts.Api"/>).</summary>
public static class ApiViews
{
    /// <summary>The wire state of <paramref name="state"/>.</summary>
    public static ApiRunState ToApi(this RunState state) => state switch
    {
        RunState.Queued => ApiRunState.Queued,
        RunState.Running => ApiRunState.Running,
        RunState.Succeeded => ApiRunState.Succeeded,
        RunState.Failed => ApiRunState.Failed,
        RunState.Cancelled => ApiRunState.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown run state"),
    };

    /// <summary>The wire state of <paramref name="state"/>.</summary>
    public static ApiTaskState ToApi(this TaskState state) => state switch
    {
        TaskState.Pending => ApiTaskState.Pending,
        TaskState.Ready => ApiTaskState.Ready,
        TaskState.Running => ApiTaskState.Running,
        TaskState.Succeeded => ApiTaskState.Succeeded,
        TaskState.Failed => ApiTaskState.Failed,
        TaskState.Cancelled => ApiTaskState.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown task state"),
    };

    /// <summary>The list entry for <paramref name="snapshot"/>'s run, counting its tasks by state.</summary>
    public static RunSummary Summary(RunSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var run = snapshot.Run;
        return new(run.RunId, run.Name, run.State.ToApi(), run.CreatedAt, run.UpdatedAt, run.Error, Counts(snapshot.Tasks));
    }

    /// <summary><paramref name="snapshot"/>'s run with its spec and tasks.</summary>
    public static RunDetail Detail(RunSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var run = snapshot.Run;
        return new(run.RunId, run.Name, run.State.ToApi(), run.CreatedAt, run.UpdatedAt, run.Error, Counts(snapshot.Tasks),
            ParseJson(run.SpecJson), snapshot.Tasks.Select(Task).ToList());
    }

    /// <summary>The view of one task.</summary>
    public static TaskView Task(TaskRecord task) =>
        new(task.TaskId, task.Kind, task.Index, task.State.ToApi(), task.Attempt, task.MaxAttempts, task.Silo, task.NotBefore, ParseOptionalJson(task.ProgressJson), ParseOptionalJson(task.ResultJson),
            task.Error, task.StartedAt, task.FinishedAt, task.DependsOn);

    /// <summary>The view of one event.</summary>
    public static RunEventView Event(RunEvent runEvent) =>
        new(runEvent.Id, runEvent.RunId, runEvent.At, runEvent.TaskId, runEvent.Kind, runEvent.Message, ParseOptionalJson(runEvent.DataJson));

    /// <summary>The view of one silo: alive while membership lists it as active.</summary>
    public static SiloView Silo(SiloRecord silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return new(silo.SiloId, silo.Host, silo.Url, silo.Slots, silo.StartedAt, silo.HeartbeatAt, silo.Stopped, !silo.Stopped, silo.RunningTasks);
    }

    /// <summary>The view of one artifact.</summary>
    public static ArtifactView Artifact(ArtifactRecord artifact) =>
        new(artifact.Name, artifact.Sha256, artifact.Size, artifact.TaskId, artifact.CreatedAt);

    /// <summary>The 400 body for an invalid spec: one line and every problem.</summary>
    public static ApiProblem Problem(RunSpecException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var problems = exception.Problems.Select(p => new ApiSpecProblem(p.Path, p.Message, p.Line, p.Column)).ToList();
        var count = problems.Count == 1 ? "1 problem" : $"{problems.Count} problems";
        return new ApiProblem($"the run spec is invalid ({count})", problems);
    }

    /// <summary>What the API and the CLI say for a run id nothing is known by.</summary>
    public static string RunNotFound(string runId) => $"run {UntrustedText.Quote(runId)} not found";

    /// <summary>What they say when asked to cancel a run that has finished.</summary>
    public static string AlreadyFinished(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"run '{run.RunId}' has already finished: it is {run.State.ToApi().ToWire()}";
    }

    private static TaskCounts Counts(IReadOnlyList<TaskRecord> tasks) => TaskCounts.Of(tasks.Select(t => t.State.ToApi()));

    private static JsonElement ParseJson(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    private static JsonElement? ParseOptionalJson(string? json) => json is null ? null : ParseJson(json);
}
