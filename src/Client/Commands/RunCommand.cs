using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ensemble.Contracts.Reports;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Data;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;

namespace Ensemble.Client.Commands;

/// <summary>
/// <c>ensemble run SPEC</c>: the whole pipeline in this process — teachers, specialists, aggregation, the student
/// and its baseline, the report — with artifacts under <c>--out</c>. Run again with the same spec and directory,
/// it continues where it stopped.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the run spec, YAML (.yaml, .yml) or JSON (.json)" };
        var output = new Option<string?>("--out") { Description = "the run's directory (default ./.ensemble/runs/NAME)" };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: every core)" };
        var json = new Option<bool>("--json") { Description = "one JSON object per event on stdout, then the report" };
        var command = new Command("run", "Train the teachers and specialists, aggregate their soft targets, distill the student and report.")
        {
            spec, output, threads, json,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(CommandErrors.Guard(() =>
            Run(parse.GetValue(spec)!, parse.GetValue(output), parse.GetValue(threads), parse.GetValue(json), cancellationToken))));
        return command;
    }

    private static int Run(string specPath, string? output, int? threads, bool json, CancellationToken cancellationToken)
    {
        var spec = RunSpecReader.Load(specPath);
        var name = spec.Name ?? Path.GetFileNameWithoutExtension(specPath);
        var settings = RunSettingsTranslator.Translate(spec, name);
        if (threads is < 1) throw new ArgumentException($"--threads: must be ≥ 1, not {threads}");
        Torch.Torch.Threads = threads ?? Environment.ProcessorCount;
        if (settings.Data.Dataset != "synthetic") DatasetCatalog.ResolveDirectory(settings.Data.Dataset);

        var layout = new ArtifactLayout(Path.GetFullPath(output ?? Path.Combine(".ensemble", "runs", name)));
        var canonical = RunSpecWriter.ToJson(spec with { Name = name });
        var resuming = PrepareDirectory(layout, canonical);
        var print = new ProgressPrinter(json);
        print.Line(resuming
            ? $"resuming run '{name}' in {layout.Root}"
            : $"run '{name}' in {layout.Root}: {settings.Teachers.Count} teacher(s), {settings.Specialists.Count} specialist(s), {Torch.Torch.Threads} thread(s) on {settings.Device}");

        var context = new RunContext(settings, layout, new SynchronousProgress<TaskProgress>(print.Progress));
        var plan = RunPlan.Expand(settings.Teachers.Count, settings.Specialists.Count, settings.Baseline);
        new LocalRunner(context).RunAsync(plan, cancellationToken).GetAwaiter().GetResult();

        var report = AtomicFile.ReadJson<RunReport>(layout.ReportJson);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { report = layout.ReportJson, student = layout.Student, models = report.Models.Select(m => new { m.Name, m.Accuracy, m.Nll, m.Ece }) }, AtomicFile.Json).ReplaceLineEndings(" "));
        }
        else
        {
            Console.WriteLine();
            Console.Write(ReportTable.Format(report));
            Console.WriteLine();
            Console.WriteLine($"student: {layout.Student}{(report.ExportedStudent is { } e ? $" ({e})" : "")}");
            Console.WriteLine($"report:  {layout.ReportMarkdown}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Creates the run directory with the spec, or checks that an existing one holds the same spec; true when resuming.</summary>
    private static bool PrepareDirectory(ArtifactLayout layout, string canonicalSpec)
    {
        if (File.Exists(layout.Spec))
        {
            if (File.ReadAllText(layout.Spec) != canonicalSpec)
            {
                throw new ArgumentException(
                    $"--out: {layout.Root} holds a run with a different spec ({layout.Spec}); pass another --out, or delete that directory to start over");
            }

            return true;
        }

        try
        {
            Directory.CreateDirectory(layout.Root);
            AtomicFile.WriteText(layout.Spec, canonicalSpec);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"--out: cannot write to {layout.Root}: {e.Message}", e);
        }

        return false;
    }
}
