using System.CommandLine;
using System.Text.Json;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble cancel ID</c>: cancels a run; its running tasks are told to stop, and do at their next check.</summary>
public static class CancelCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var id = CliOptions.RunId();
        var cluster = new ClusterConnectionOptions();
        var json = CliOptions.Json();
        var command = new Command("cancel", "Cancel a run.") { id, json };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            await using var client = await cluster.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            var run = await client.CancelAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(run, ApiJson.Options)
                : $"cancelled run {run.Id}: {run.TaskCounts.Succeeded} of {run.Tasks.Count} tasks had finished");
            return ExitCodes.Success;
        }));
        return command;
    }
}
