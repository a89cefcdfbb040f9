using System.Text.Json;
using Ensemble.Client.Progress;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Tests.Progress;

public sealed class RunProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static RunDetail Run(params string[] taskIds) => new("r-1", "r", ApiRunState.Running, T0, T0, null,
        new TaskCounts(taskIds.Length, 0, 0, 0, 0, 0), JsonDocument.Parse("{}").RootElement,
        taskIds.Select(id => new TaskView(id, id.Split('/')[0], 0, ApiTaskState.Pending, 0, 3, null, null, null, null, null, null, null, [])).ToList());

    private static RunEventView Event(string kind, string task, double seconds, string? data = null) =>
        new(1, "r-1", T0.AddSeconds(seconds), task, kind, $"{task}: {kind}", data is null ? null : JsonDocument.Parse(data).RootElement);

    private static string Epoch(int epoch, int epochs, double loss, double rate) =>
        $$"""{"task_id":"teacher/0","message":"m","epoch":{{epoch}},"epochs":{{epochs}},"loss":{{loss}},"samples_per_second":{{rate}}}""";

    [Fact]
    public void Epochs_GiveFractionLossRateAndAnEtaFromTheMeanEpochTime()
    {
        var progress = new RunProgress(Run("teacher/0", "distill"));
        progress.Apply(Event("task-placed", "teacher/0", 0));
        progress.Apply(Event("task-started", "teacher/0", 1));
        progress.Apply(Event("task-progress", "teacher/0", 11, Epoch(1, 8, 0.9, 1500)));
        progress.Apply(Event("task-progress", "teacher/0", 21, Epoch(2, 8, 0.7, 1600)));
        var line = progress.Tasks[0];

        Assert.Equal("running", line.State);
        Assert.Equal(0.25, line.Fraction, 12);
        // 2 epochs in 20 s → 10 s each; 6 left → 60 s, less the 5 s spent since the last epoch.
        Assert.Equal(TimeSpan.FromSeconds(55), line.Remaining(T0.AddSeconds(26)));
        Assert.Equal("epoch 2/8  loss 0.7000  1,600 samples/s  ETA 0:55", TaskLineText.Detail(line, T0.AddSeconds(26)));
        Assert.Equal("██████░░░░░░░░░░░░░░░░░░", TaskLineText.Bar(line));
        Assert.Equal("pending", progress.Tasks[1].State);
    }

    [Fact]
    public void AResumedAttempt_TimesOnlyItsOwnEpochs()
    {
        var progress = new RunProgress(Run("teacher/0"));
        progress.Apply(Event("task-started", "teacher/0", 0));
        progress.Apply(Event("task-progress", "teacher/0", 100, Epoch(1, 4, 0.9, 100)));
        progress.Apply(Event("task-lost", "teacher/0", 200));
        Assert.Equal("ready", progress.Tasks[0].State);
        // Attempt 2 restores the epoch-1 checkpoint and trains epoch 2 in 10 s: 2 epochs left → 20 s.
        progress.Apply(Event("task-started", "teacher/0", 300));
        progress.Apply(Event("task-progress", "teacher/0", 310, Epoch(2, 4, 0.8, 100)));
        Assert.Equal(TimeSpan.FromSeconds(20), progress.Tasks[0].Remaining(T0.AddSeconds(310)));
    }

    [Fact]
    public void Outcomes_SetStatesAndTheRunEnd()
    {
        var progress = new RunProgress(Run("teacher/0", "teacher/1"));
        progress.Apply(Event("task-succeeded", "teacher/0", 1));
        progress.Apply(Event("task-retry", "teacher/1", 2));
        Assert.Equal(1.0, progress.Tasks[0].Fraction);
        Assert.Equal("retrying: teacher/1: task-retry", TaskLineText.Detail(progress.Tasks[1], T0));
        Assert.Null(progress.End);
        progress.Apply(Event("task-failed", "teacher/1", 3));
        progress.Apply(new RunEventView(9, "r-1", T0, null, "run-failed", "run failed", null));
        Assert.Equal("failed", progress.Tasks[1].State);
        Assert.Equal("run-failed", progress.End?.Kind);
    }
}
