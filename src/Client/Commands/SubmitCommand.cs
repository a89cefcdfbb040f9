using System.CommandLine;
using System.Text.Json;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Specs;

namespace Ensemble.Client.Commands;

/// <summary><c>ensemble submit SPEC</c>: sends a run to a cluster and prints its id; <c>--wait</c> follows it to the end.</summary>
public static class SubmitCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the run spec, YAML (.yaml, .yml) or JSON (.json)" };
        var cluster = new ClusterConnectionOptions();
        var wait = new Option<bool>("--wait") { Description = "follow the run to its end (like watch), exiting with its outcome" };
        var output = new Option<string?>("--out") { Description = "with --wait: download the student and report here" };
        var all = CliOptions.All();
        var json = CliOptions.Json();
        var command = new Command("submit", "Submit a run to a cluster.") { spec, wait, output, all, json };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var path = parse.GetValue(spec)!;
            var (_, specJson) = SpecSubmission.Load(path, remote: true);
            var outDirectory = parse.GetValue(output) is { } o ? OutputDirectory.Prepare(o, "--out") : null;
            var asJson = parse.GetValue(json);
            await using var client = await cluster.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            var run = await SpecSubmission.SubmitAsync(client, path, specJson, cancellationToken).ConfigureAwait(false);
            if (!parse.GetValue(wait))
            {
                Console.WriteLine(asJson
                    ? JsonSerializer.Serialize(run, ApiJson.Options)
                    : $"submitted run {run.Id} ({run.Tasks.Count} tasks) to {client.Display}\nfollow it with: ensemble watch {run.Id}");
                return ExitCodes.Success;
            }

            var view = RunFollower.ViewFor(asJson);
            view.Note($"submitted run {run.Id} to {client.Display}: {run.Tasks.Count} tasks");
            var final = await RunFollower.FollowAsync(client, run, view, cancellationToken).ConfigureAwait(false);
            return await RunFollower.FinishAsync(client, final, outDirectory, parse.GetValue(all), asJson, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
