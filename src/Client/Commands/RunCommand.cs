using System.CommandLine;
using Ensemble.Client.Embedded;
using Ensemble.Client.Progress;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Data;

namespace Ensemble.Client.Commands;

/// <summary>
/// <c>ensemble run SPEC</c>: a run to completion with live progress, then the evaluation table and the student's files.
/// By default on a silo embedded in this process (SQLite and artifacts under <c>./.ensemble</c>): run again after an
/// interruption, the same spec resumes its unfinished run. With <c>--cluster</c> the same run goes to a cluster. Both talk to
/// their silo through the same Orleans client calls (<see cref="ClusterSession"/>).
/// </summary>
public static class RunCommand
{
    /// <summary>The environment variable that moves the embedded silo's home from <c>./.ensemble</c>.</summary>
    public const string HomeVariable = "ENSEMBLE_HOME";

    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the run spec, YAML (.yaml, .yml) or JSON (.json)" };
        var output = new Option<string?>("--out") { Description = "where the student and report go (default HOME/runs/NAME)" };
        var cluster = new ClusterConnectionOptions();
        cluster.Cluster.Description = $"run on this cluster instead of the embedded silo: {cluster.Cluster.Description}";
        var home = new Option<string?>("--home") { Description = $"the embedded silo's store and artifacts (default ${HomeVariable}, else ./.ensemble)" };
        var slots = new Option<int>("--slots") { Description = "embedded: tasks trained at once", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "embedded: libtorch threads per slot (default: the cores divided among the slots)" };
        var fresh = new Option<bool>("--fresh") { Description = "embedded: cancel an unfinished run of this spec and start over" };
        var all = CliOptions.All();
        var json = CliOptions.Json();
        var command = new Command("run", "Train the teachers and specialists, aggregate their soft targets, distill the student and report.")
        {
            spec, output, all, home, slots, threads, fresh, json,
        };
        cluster.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(() => RunAsync(new Request(
            parse.GetValue(spec)!, parse.GetValue(output), cluster.IsGiven(parse) ? cluster.Resolve(parse) : null, parse.GetValue(home), parse.GetValue(slots),
            parse.GetValue(threads), parse.GetValue(fresh), parse.GetValue(all), parse.GetValue(json)), cancellationToken)));
        return command;
    }

    private sealed record Request(string SpecPath, string? Output, ClusterAddress? Cluster, string? Home, int Slots, int? Threads, bool Fresh, bool All, bool Json);

    private static async Task<int> RunAsync(Request request, CancellationToken cancellationToken)
    {
        // Everything that can be wrong with the input is found before anything is stored.
        var remote = request.Cluster is not null;
        var (spec, specJson) = SpecSubmission.Load(request.SpecPath, remote);
        var name = spec.Name!;
        if (request.Slots < 1) throw new ArgumentException($"--slots: must be >= 1, not {request.Slots}");
        if (request.Threads is < 1) throw new ArgumentException($"--threads: must be >= 1, not {request.Threads}");
        if (!remote && spec.Data.Dataset is var dataset && dataset != DataSpec.SyntheticName)
        {
            var directory = DatasetCatalog.ResolveDirectory(dataset);
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException(
                    $"data.dataset: directory {directory} not found (for '{dataset}'; Fashion-MNIST comes from the Debian package {DatasetCatalog.FashionMnistPackage})");
            }
        }

        var homeDirectory = Path.GetFullPath(request.Home ?? Environment.GetEnvironmentVariable(HomeVariable) ?? ".ensemble");
        var output = OutputDirectory.Prepare(request.Output ?? Path.Combine(homeDirectory, "runs", name), "--out");
        var view = RunFollower.ViewFor(request.Json);

        if (request.Cluster is { } address)
        {
            await using var client = await ClusterSession.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
            var run = await SpecSubmission.SubmitAsync(client, request.SpecPath, specJson, cancellationToken).ConfigureAwait(false);
            view.Note($"submitted run {run.Id} to {client.Display}: {run.Tasks.Count} tasks");
            return await FollowAsync(client, run, view, output, request.All, request.Json,
                $"run {run.Id} goes on on the cluster; follow it with: ensemble watch {run.Id}", cancellationToken).ConfigureAwait(false);
        }

        await using var silo = await EmbeddedSilo.StartAsync(homeDirectory, request.Slots, request.Threads, cancellationToken).ConfigureAwait(false);
        await using (var client = silo.Connect())
        {
            RunDetail run;
            var unfinishedRuns = await silo.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
            if (unfinishedRuns.FirstOrDefault(r => r.SpecJson == specJson) is { } unfinished)
            {
                if (request.Fresh)
                {
                    await client.CancelAsync(unfinished.RunId, cancellationToken).ConfigureAwait(false);
                    view.Note($"cancelled the unfinished run {unfinished.RunId} (--fresh)");
                    run = await SpecSubmission.SubmitAsync(client, request.SpecPath, specJson, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    run = await client.GetRunAsync(unfinished.RunId, cancellationToken).ConfigureAwait(false);
                    view.Note($"resuming run {run.Id} ('{name}'): {run.TaskCounts.Succeeded} of {run.Tasks.Count} tasks already done");
                }
            }
            else
            {
                run = await SpecSubmission.SubmitAsync(client, request.SpecPath, specJson, cancellationToken).ConfigureAwait(false);
                view.Note($"run {run.Id} ('{name}') on this machine: {run.Tasks.Count} tasks, store {EmbeddedSilo.StorePath(homeDirectory)}");
            }

            // Otherwise a slot busy with an older run looks like a hang: nothing of this run happens until it frees.
            foreach (var other in unfinishedRuns.Where(r => r.SpecJson != specJson))
            {
                view.Note($"run {other.RunId} ('{other.Name}'), left unfinished in this home by an earlier `ensemble run`, resumes too and shares "
                    + "the slots (its tasks may go first); its own command follows it to the end, or --home another directory keeps them apart");
            }

            return await FollowAsync(client, run, view, output, request.All, request.Json,
                $"run {run.Id} is saved in {homeDirectory}; run the same command again to resume it", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> FollowAsync(ClusterSession client, RunDetail run, IRunView view, string output, bool all, bool json, string onInterrupt,
        CancellationToken cancellationToken)
    {
        try
        {
            var final = await RunFollower.FollowAsync(client, run, view, cancellationToken).ConfigureAwait(false);
            return await RunFollower.FinishAsync(client, final, output, all, json, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine(onInterrupt);
            throw;
        }
    }
}
