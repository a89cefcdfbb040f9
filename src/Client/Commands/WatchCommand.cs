using System.CommandLine;
using Ensemble.Client.Remote;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble watch ID</c>: follows a run live to its end, then shows its results; exits with its outcome.</summary>
public static class WatchCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var id = CliOptions.RunId();
        var cluster = new ClusterConnectionOptions();
        var output = new Option<string?>("--out") { Description = "download the student and report here when the run succeeds" };
        var all = CliOptions.All();
        var json = CliOptions.Json();
        var command = new Command("watch", "Follow a run's progress live until it ends.") { id, output, all, json };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var outDirectory = parse.GetValue(output) is { } o ? OutputDirectory.Prepare(o, "--out") : null;
            var asJson = parse.GetValue(json);
            await using var client = await cluster.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            var run = await client.GetRunAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            var final = await RunFollower.FollowAsync(client, run, RunFollower.ViewFor(asJson), cancellationToken).ConfigureAwait(false);
            return await RunFollower.FinishAsync(client, final, outDirectory, parse.GetValue(all), asJson, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
