using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ensemble.Client.Progress;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble status [ID]</c>: the runs on a cluster, or one run's tasks.</summary>
public static class StatusCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var id = new Argument<string?>("id") { Description = "a run's id; without it, the newest runs", Arity = ArgumentArity.ZeroOrOne };
        var cluster = new ClusterConnectionOptions();
        var limit = new Option<int>("--limit") { Description = "without ID: how many runs", DefaultValueFactory = _ => 20 };
        var json = CliOptions.Json();
        var command = new Command("status", "Show the runs on a cluster, or one run's tasks.") { id, limit, json };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var asJson = parse.GetValue(json);
            if (parse.GetValue(id) is null && parse.GetValue(limit) is < 1 or > 1000) throw new ArgumentException($"--limit: must be from 1 to 1000, not {parse.GetValue(limit)}");
            await using var client = await cluster.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(id) is { } runId)
            {
                var run = await client.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
                Console.Write(asJson ? JsonSerializer.Serialize(run, ApiJson.Options) + "\n" : FormatRun(run, DateTimeOffset.UtcNow));
                return ExitCodes.Success;
            }

            var runs = await client.ListRunsAsync(parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            Console.Write(asJson ? JsonSerializer.Serialize(runs, ApiJson.Options) + "\n" : FormatRuns(runs));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>One line per run: id, name, state, tasks done, last change.</summary>
    public static string FormatRuns(IReadOnlyList<RunSummary> runs)
    {
        if (runs.Count == 0) return "no runs\n";
        var culture = CultureInfo.InvariantCulture;
        var width = Math.Max(2, runs.Max(r => r.Id.Length));
        var text = new StringBuilder();
        text.AppendLine(culture, $"{"id".PadRight(width)}  {"state",-9}  tasks    updated");
        foreach (var r in runs)
        {
            var counts = r.TaskCounts;
            var total = counts.Pending + counts.Ready + counts.Running + counts.Succeeded + counts.Failed + counts.Cancelled;
            text.AppendLine(culture, $"{r.Id.PadRight(width)}  {r.State.ToWire(),-9}  {$"{counts.Succeeded}/{total}",-7}  {r.UpdatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        }

        return text.ToString();
    }

    /// <summary>The run's state, then one line per task with its progress, silo and error.</summary>
    public static string FormatRun(RunDetail run, DateTimeOffset now)
    {
        var culture = CultureInfo.InvariantCulture;
        var progress = new RunProgress(run);
        var text = new StringBuilder();
        text.AppendLine(culture, $"run {run.Id} ('{run.Name}'): {run.State.ToWire()}, submitted {run.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        if (run.Error is { } error) text.AppendLine(culture, $"error: {error}");
        var width = Math.Max(4, run.Tasks.Max(t => t.Id.Length));
        text.AppendLine(culture, $"{"task".PadRight(width)}  {"state",-9}  attempt  silo              progress");
        foreach (var (task, line) in run.Tasks.Zip(progress.Tasks))
        {
            if (task.Progress is { } p) progress.Apply(new RunEventView(0, run.Id, now, task.Id, Contracts.Runs.EventKinds.TaskProgress, "", p));
            line.State = task.State.ToWire();
            var detail = task.State switch
            {
                ApiTaskState.Failed => task.Error ?? "",
                ApiTaskState.Running => TaskLineText.Detail(line, now),
                _ => task.FinishedAt is { } f && task.StartedAt is { } s ? $"took {TaskLineText.Duration(f - s)}" : "",
            };
            text.AppendLine(culture, $"{task.Id.PadRight(width)}  {task.State.ToWire(),-9}  {$"{task.Attempt}/{task.MaxAttempts}",-7}  {task.Silo ?? "-",-16}  {detail}");
        }

        return text.ToString();
    }
}
