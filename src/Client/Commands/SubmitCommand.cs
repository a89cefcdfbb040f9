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
        var silo = CliOptions.Silo();
        var wait = new Option<bool>("--wait") { Description = "follow the run to its end (like watch), exiting with its outcome" };
        var output = new Option<string?>("--out") { Description = "with --wait: download the student and report here" };
        var json = CliOptions.Json();
        var command = new Command("submit", "Submit a run to a silo.") { spec, silo, wait, output, json };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var path = parse.GetValue(spec)!;
            var text = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
            // Checked here first: the problems then point into the user's file, and a bad spec never reaches the silo.
            var parsed = RunSpecReader.Load(path);
            var format = RunSpecReader.FormatOfPath(path) ?? RunSpecReader.Yaml;
            var named = parsed.Name is null ? RunSpecWriter.ToJson(parsed with { Name = Path.GetFileNameWithoutExtension(path) }) : null;
            var outDirectory = parse.GetValue(output) is { } o ? OutputDirectory.Prepare(o, "--out") : null;
            var asJson = parse.GetValue(json);
            using var client = new SiloClient(SiloConnection.Resolve(parse.GetValue(silo)));
            var run = await SubmitAsync(client, path, named ?? text!, named is null ? format : RunSpecReader.Json, cancellationToken).ConfigureAwait(false);
            if (!parse.GetValue(wait))
            {
                Console.WriteLine(asJson
                    ? JsonSerializer.Serialize(run, ApiJson.Options)
                    : $"submitted run {run.Id} ({run.Tasks.Count} tasks) to {client.Connection.BaseAddress}\nfollow it with: ensemble watch {run.Id}");
                return ExitCodes.Success;
            }

            var view = RunFollower.ViewFor(asJson);
            view.Note($"submitted run {run.Id} to {client.Connection.BaseAddress}: {run.Tasks.Count} tasks");
            var final = await RunFollower.FollowAsync(client, run, view, cancellationToken).ConfigureAwait(false);
            return await RunFollower.FinishAsync(client, final, outDirectory, asJson, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Submits; a spec the silo rejects (a newer or older silo can disagree) is reported like a local one.</summary>
    private static async Task<RunDetail> SubmitAsync(SiloClient client, string path, string text, string format, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SubmitAsync(text, format, cancellationToken).ConfigureAwait(false);
        }
        catch (SiloRequestException e) when (e.Problem.Problems.Count > 0)
        {
            throw new RunSpecException(e.Problem.Problems.Select(p => new SpecProblem(p.Path, p.Message) { Line = p.Line, Column = p.Column }).ToList(), path);
        }
    }
}
