using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble pull ID</c>: downloads a run's student and report (or every artifact), each checked against its SHA-256.</summary>
public static class PullCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var id = CliOptions.RunId();
        var cluster = new ClusterConnectionOptions();
        var output = new Option<string?>("--out") { Description = "the directory to write into (default ./ID)" };
        var all = CliOptions.All();
        var json = CliOptions.Json();
        var command = new Command("pull", "Download a run's student and report.") { id, output, all, json };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var runId = parse.GetValue(id)!;
            await using var client = await cluster.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            // The run is looked up first, so an unknown id does not leave an empty directory behind.
            var run = await client.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            var directory = OutputDirectory.Prepare(parse.GetValue(output) ?? run.Id, "--out");
            var files = await RunFollower.PullAsync(client, run.Id, directory, parse.GetValue(all), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { run = run.Id, state = run.State.ToWire(), files = files.ToDictionary(f => f.Name, f => f.Path) },
                    ApiJson.Options));
            }
            else
            {
                foreach (var (name, path) in files) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-20} {path}"));
                if (files.Count == 0) Console.WriteLine($"run {run.Id} ({run.State.ToWire()}) has no {(parse.GetValue(all) ? "" : "student or report ")}artifacts yet");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
