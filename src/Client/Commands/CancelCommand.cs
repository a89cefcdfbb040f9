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
        var silo = CliOptions.Silo();
        var json = CliOptions.Json();
        var command = new Command("cancel", "Cancel a run.") { id, silo, json };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            using var client = new SiloClient(SiloConnection.Resolve(parse.GetValue(silo)));
            var run = await client.CancelAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(run, ApiJson.Options)
                : $"cancelled run {run.Id}: {run.TaskCounts.Succeeded} of {run.Tasks.Count} tasks had finished");
            return ExitCodes.Success;
        }));
        return command;
    }
}
