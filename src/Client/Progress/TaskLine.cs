using Ensemble.Contracts.Api;

namespace Ensemble.Client.Progress;

/// <summary>What the CLI shows about one task while following a run: its state, epoch, loss, throughput and ETA.</summary>
public sealed class TaskLine
{
    /// <summary>A line for <paramref name="task"/> as the run's detail shows it.</summary>
    public TaskLine(TaskView task)
    {
        Id = task.Id;
        Kind = task.Kind;
        State = task.State.ToWire();
        Attempt = task.Attempt;
        StartedAt = task.State == ApiTaskState.Running ? task.StartedAt : null;
    }

    /// <summary>The task's id, e.g. <c>teacher/0</c>.</summary>
    public string Id { get; }

    /// <summary>Its kind, e.g. <c>teacher</c>.</summary>
    public string Kind { get; }

    /// <summary>Where it is: pending, ready, running, retrying, succeeded, failed, cancelled.</summary>
    public string State { get; set; }

    /// <summary>Attempts started.</summary>
    public int Attempt { get; set; }

    /// <summary>The last epoch reported by the running attempt.</summary>
    public int? Epoch { get; set; }

    /// <summary>Epochs planned.</summary>
    public int? Epochs { get; set; }

    /// <summary>The last epoch's mean training loss.</summary>
    public double? Loss { get; set; }

    /// <summary>The last epoch's training throughput.</summary>
    public double? SamplesPerSecond { get; set; }

    /// <summary>When the current attempt started work.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>The epoch the current attempt started from (a resumed attempt starts after its checkpoint).</summary>
    public int FirstEpoch { get; set; }

    /// <summary>When the last epoch was reported.</summary>
    public DateTimeOffset? EpochAt { get; set; }

    /// <summary>The last message about it.</summary>
    public string Message { get; set; } = "";

    /// <summary>The fraction done: epochs for training tasks, 0 or 1 otherwise.</summary>
    public double Fraction => State == "succeeded" ? 1
        : Epoch is { } e && Epochs is > 0 ? Math.Clamp((double)e / Epochs.Value, 0, 1)
        : 0;

    /// <summary>
    /// Time left at <paramref name="now"/>: the mean epoch time of this attempt times the epochs left, less the time
    /// already spent on the current epoch; null until an epoch has finished.
    /// </summary>
    public TimeSpan? Remaining(DateTimeOffset now)
    {
        if (State != "running" || Epoch is not { } epoch || Epochs is not { } epochs || StartedAt is not { } started || EpochAt is not { } at) return null;
        var done = epoch - FirstEpoch;
        if (done <= 0) return null;
        var perEpoch = (at - started) / done;
        var left = perEpoch * (epochs - epoch) - (now - at);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
