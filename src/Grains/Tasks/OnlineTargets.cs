using System.Diagnostics;
using Ensemble.Distillation.Serialization;
using Ensemble.Distillation.Transfer;
using Ensemble.Grains.Artifacts;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Grains.Tasks;

/// <summary>
/// Online soft targets for a student's epochs: the run's stored teachers and specialists, loaded once, score each epoch's
/// augmented and mixed images. Each epoch's targets are kept in the task's workspace (N×K floats, a few MB), so the
/// second student of <c>logit_standardization: compare</c>, which sees the same images, does not pay the forwards again.
/// </summary>
internal sealed class OnlineTargets : IDisposable
{
    private const string TensorName = "targets";
    private readonly EnsembleTeacher _teacher;
    private readonly string _cache;
    private readonly int _batchSize;
    private readonly CancellationToken _cancellationToken;
    private readonly Stopwatch _forwards = new();

    private OnlineTargets(EnsembleTeacher teacher, string cache, int batchSize, CancellationToken cancellationToken)
    {
        _teacher = teacher;
        _cache = cache;
        _batchSize = batchSize;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The teacher networks each image goes through.</summary>
    public int Networks => _teacher.Networks;

    /// <summary>Epochs whose targets the teachers computed.</summary>
    public int EpochsComputed { get; private set; }

    /// <summary>Epochs whose targets were found in the cache.</summary>
    public int EpochsReused { get; private set; }

    /// <summary>Seconds spent in the teachers' forwards.</summary>
    public double ForwardSeconds => _forwards.Elapsed.TotalSeconds;

    /// <summary>Loads the run's recorded teachers and trained specialists onto the run's device for task <paramref name="taskId"/>.</summary>
    public static OnlineTargets Load(RunContext context, string taskId, CancellationToken cancellationToken)
    {
        var device = context.Settings.Device;
        var members = new List<nn.Module<Tensor, Tensor>>();
        var specialists = new List<Distillation.Specialists.TrainedSpecialist>();
        try
        {
            members.AddRange(context.Teachers().Select(id => ModelFile.Load(context.Layout.Model(id), device).Model));
            for (var j = 0; j < context.Settings.Specialists.Count; j++)
            {
                if (SpecialistTask.LoadModel(context, j, device) is { } specialist) specialists.Add(specialist);
            }
        }
        catch
        {
            foreach (var m in members.Concat(specialists.Select(s => s.Model))) m.Dispose();
            throw;
        }

        var teacher = new EnsembleTeacher(members, specialists, EnsembleOutputs.RecipeOf(context), context.Settings.Student.Distillation.Temperature);
        return new OnlineTargets(teacher, context.Layout.Checkpoints(taskId, "checkpoints-targets"), context.Settings.Student.Training.EvaluationBatchSize, cancellationToken);
    }

    /// <summary>The soft-target logits of epoch <paramref name="epoch"/>'s <paramref name="features"/>, from the cache or the teachers.</summary>
    public Tensor ForEpoch(int epoch, Tensor features)
    {
        var path = Path.Combine(_cache, $"targets-epoch-{epoch:D4}.safetensors");
        if (File.Exists(path))
        {
            using var file = SafeTensors.Load(path, features.device);
            if (file.Tensors.TryGetValue(TensorName, out var stored) && stored.size(0) == features.size(0))
            {
                EpochsReused++;
                return stored.clone();
            }
        }

        _forwards.Start();
        var targets = _teacher.SoftTargets(features, _batchSize, _cancellationToken);
        _forwards.Stop();
        EpochsComputed++;
        Directory.CreateDirectory(_cache);
        using (var cpu = targets.cpu()) SafeTensors.Save(path, [new(TensorName, cpu)]);
        return targets;
    }

    /// <summary>Frees the teachers.</summary>
    public void Dispose() => _teacher.Dispose();
}
