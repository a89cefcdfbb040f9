using System.Text.Json;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Runs;

namespace Ensemble.Client.Progress;

/// <summary>A run as the CLI follows it: one <see cref="TaskLine"/> per task, updated from the silo's events.</summary>
public sealed class RunProgress
{
    private readonly Dictionary<string, TaskLine> _byId;

    /// <summary>Starts from the run's detail (its tasks in plan order).</summary>
    public RunProgress(RunDetail run)
    {
        RunId = run.Id;
        Name = run.Name;
        Tasks = run.Tasks.Select(t => new TaskLine(t)).ToList();
        _byId = Tasks.ToDictionary(t => t.Id);
    }

    /// <summary>The run's id.</summary>
    public string RunId { get; }

    /// <summary>The spec's name.</summary>
    public string Name { get; }

    /// <summary>Every task, in plan order.</summary>
    public IReadOnlyList<TaskLine> Tasks { get; }

    /// <summary>The run's final event, once seen.</summary>
    public RunEventView? End { get; private set; }

    /// <summary>Applies one event; returns the task it changed, or null.</summary>
    public TaskLine? Apply(RunEventView e)
    {
        if (Remote.ClusterSession.IsRunEnd(e.Kind)) End = e;
        if (e.TaskId is null || !_byId.TryGetValue(e.TaskId, out var task)) return null;
        task.Message = e.Message;
        switch (e.Kind)
        {
            case EventKinds.TaskPlaced:
                task.State = "running";
                task.Attempt++;
                break;
            case EventKinds.TaskStarted:
                task.State = "running";
                task.StartedAt = e.At;
                task.FirstEpoch = task.Epoch ?? 0;
                task.EpochAt = null;
                break;
            case EventKinds.TaskProgress when e.Data is { ValueKind: JsonValueKind.Object } data:
                task.State = "running";
                if (Number(data, "epoch") is { } epoch)
                {
                    // The first report of a resumed attempt says where its checkpoint was.
                    if (task.EpochAt is null) task.FirstEpoch = (int)epoch - 1;
                    task.Epoch = (int)epoch;
                    task.EpochAt = e.At;
                }

                if (Number(data, "epochs") is { } epochs) task.Epochs = (int)epochs;
                if (Number(data, "loss") is { } loss) task.Loss = loss;
                if (Number(data, "samples_per_second") is { } rate) task.SamplesPerSecond = rate;
                break;
            case EventKinds.TaskSucceeded:
                task.State = "succeeded";
                break;
            case EventKinds.TaskRetry:
                task.State = "retrying";
                break;
            case EventKinds.TaskFailed:
                task.State = "failed";
                break;
            case EventKinds.TaskReleased or EventKinds.TaskLost:
                task.State = "ready";
                break;
            case EventKinds.RunCancelled:
                break;
        }

        return task;
    }

    private static double? Number(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
