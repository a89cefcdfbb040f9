using System.Globalization;
using System.Text.Json;
using Ensemble.Client.Progress;
using Ensemble.Client.Remote;
using Ensemble.Contracts.Api;
using Ensemble.Contracts.Reports;
using Spectre.Console;

namespace Ensemble.Client.Commands;

/// <summary>Follows a run to its end on a silo, then fetches its results and says how it went.</summary>
internal static class RunFollower
{
    private const string ReportName = "report.json";

    /// <summary>The artifacts at a run's root that <c>run</c> and <c>pull</c> fetch by default: the student and the report.</summary>
    public static bool IsDeliverable(ArtifactView artifact) => !artifact.Name.Contains('/');

    /// <summary>Bars on a terminal, lines when stdout is redirected, JSON with <c>--json</c>.</summary>
    public static IRunView ViewFor(bool json) =>
        json ? new JsonRunView(Console.Out)
        : Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? new LineRunView(Console.Out)
        : new LiveRunView(AnsiConsole.Console);

    /// <summary>Shows <paramref name="run"/>'s events until it ends; returns its final state.</summary>
    public static async Task<RunDetail> FollowAsync(ClusterSession client, RunDetail run, IRunView view, CancellationToken cancellationToken)
    {
        if (!run.State.IsTerminal())
        {
            await view.FollowAsync(new RunProgress(run), client.EventsAsync(run.Id, 0, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        return await client.GetRunAsync(run.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads the run's artifacts (its deliverables, or all) into <paramref name="directory"/>; returns name and path of each.</summary>
    public static async Task<IReadOnlyList<(string Name, string Path)>> PullAsync(ClusterSession client, string runId, string directory, bool all,
        CancellationToken cancellationToken)
    {
        var pulled = new List<(string, string)>();
        foreach (var artifact in await client.ListArtifactsAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            if (!all && !IsDeliverable(artifact)) continue;
            var path = Path.Combine(directory, artifact.Name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await client.DownloadAsync(runId, artifact, path, cancellationToken).ConfigureAwait(false);
            pulled.Add((artifact.Name, path));
        }

        return pulled;
    }

    /// <summary>
    /// Ends a followed run: on success the evaluation table (or JSON) and where its files are (the deliverables, or with
    /// <paramref name="all"/> every artifact, as <c>pull --all</c>); otherwise why it did not succeed. Returns the exit code.
    /// </summary>
    public static async Task<int> FinishAsync(ClusterSession client, RunDetail run, string? directory, bool all, bool json, CancellationToken cancellationToken)
    {
        RunReport? report = null;
        IReadOnlyList<(string Name, string Path)> files = [];
        if (run.State == ApiRunState.Succeeded)
        {
            if (directory is not null) files = await PullAsync(client, run.Id, directory, all, cancellationToken).ConfigureAwait(false);
            // The report was just downloaded with the deliverables when there is a directory; fetched on its own otherwise.
            var bytes = files.FirstOrDefault(f => f.Name == ReportName).Path is { } pulled
                ? await File.ReadAllBytesAsync(pulled, cancellationToken).ConfigureAwait(false)
                : await client.ReadArtifactAsync(run.Id, ReportName, cancellationToken).ConfigureAwait(false);
            report = JsonSerializer.Deserialize<RunReport>(bytes, Grains.Artifacts.AtomicFile.Json);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                run = run.Id,
                state = run.State.ToWire(),
                error = run.Error,
                files = files.ToDictionary(f => f.Name, f => f.Path),
                models = report?.Models.Select(m => new { m.Name, m.Accuracy, m.Nll, m.Ece, m.Bytes, m.LatencyBatch1Microseconds, m.LatencyBatch64Microseconds }),
            }, ApiJson.Options));
        }
        else if (report is not null)
        {
            Console.WriteLine();
            Console.Write(ReportTable.Format(report));
            Console.WriteLine();
            var width = files.Count == 0 ? 0 : files.Max(f => f.Name.Length);
            foreach (var (name, path) in files) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name.PadRight(width)}  {path}"));
            if (files.Count == 0) Console.WriteLine($"files: ensemble pull {run.Id}");
        }

        return Outcome(run);
    }

    /// <summary>The exit code for a finished run, after saying on stderr why it did not succeed.</summary>
    public static int Outcome(RunDetail run)
    {
        switch (run.State)
        {
            case ApiRunState.Succeeded:
                return ExitCodes.Success;
            case ApiRunState.Cancelled:
                Console.Error.WriteLine($"run {run.Id} was cancelled");
                return ExitCodes.RunCancelled;
            default:
                var failed = run.Tasks.Where(t => t.State == ApiTaskState.Failed).Select(t => $"{t.Id}: {t.Error}");
                Console.Error.WriteLine($"error: run {run.Id} failed: {run.Error ?? string.Join("; ", failed)}");
                return ExitCodes.Failed;
        }
    }
}
