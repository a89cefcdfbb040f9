// Runs one spec in this process over a run directory (the layout tasks write, ArtifactLayout), skipping every task whose
// result is already there: copy a finished run's teacher, cluster and specialist directories in and only the student's
// tasks run again. Usage: Variant SPEC RUN_DIRECTORY [THREADS]
// Variant --forward MODEL THREADS: images per second of one stored network's forward (eval, no gradient) at several batch sizes,
// what online targets cost per teacher.
using System.Diagnostics;
using System.Globalization;
using Ensemble.Contracts.Specs;
using Ensemble.Distillation.Runtime;
using Ensemble.Grains.Artifacts;
using Ensemble.Grains.Execution;
using Ensemble.Grains.Plan;
using Ensemble.Grains.Tasks;

if (args is ["--forward", var modelPath, var threadText])
{
    TorchRuntime.Threads = int.Parse(threadText, CultureInfo.InvariantCulture);
    var (model, _, shape, _) = ModelFile.Load(modelPath);
    using (model)
    using (var images = TorchSharp.torch.randn([8192, .. shape.Select(d => (long)d)]))
    using (TorchSharp.torch.no_grad())
    {
        foreach (var batch in new[] { 128, 256, 512, 1000, 2048 })
        {
            var clock = Stopwatch.StartNew();
            for (var pass = 0; pass < 2; pass++)
            {
                for (long start = 0; start < 8192; start += batch)
                {
                    using var scope = TorchSharp.torch.NewDisposeScope();
                    model.call(images.narrow(0, start, Math.Min(batch, 8192 - start)));
                }
            }

            Console.WriteLine($"batch {batch,5}: {2 * 8192 / clock.Elapsed.TotalSeconds,8:F0} images/s");
        }
    }

    return 0;
}

if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: Variant SPEC RUN_DIRECTORY [THREADS]");
    return 2;
}

TorchRuntime.Threads = args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
var spec = RunSpecReader.Parse(File.ReadAllText(args[0]), Path.GetExtension(args[0]).TrimStart('.'));
var settings = RunSettingsTranslator.Translate(spec, Path.GetFileNameWithoutExtension(args[0]));
var progress = new ConsoleProgress();
var skipped = await new LocalRunner(new RunContext(settings, new ArtifactLayout(args[1]), progress)).RunAsync(RunPlan.Expand(settings), CancellationToken.None);
Console.WriteLine($"done ({skipped} task(s) were already finished)");
return 0;

/// <summary>Prints every progress line with the time.</summary>
internal sealed class ConsoleProgress : IProgress<TaskProgress>
{
    public void Report(TaskProgress value) => Console.WriteLine($"{DateTime.Now:HH:mm:ss}  {value.TaskId,-14} {value.Message}");
}
