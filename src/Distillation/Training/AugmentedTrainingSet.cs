using Ensemble.Distillation.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>A fresh augmented view of the same labelled examples every epoch, drawn from the seed and the epoch number.</summary>
public sealed class AugmentedTrainingSet : TrainingSet
{
    private readonly Dataset _dataset;
    private readonly AugmentationKind _kind;
    private readonly int _seed;
    private readonly Device _device;
    private DatasetTensors? _current;

    /// <summary>Augments <paramref name="dataset"/> with <paramref name="kind"/>, a different draw per epoch.</summary>
    public AugmentedTrainingSet(Dataset dataset, AugmentationKind kind, int seed, Device? device = null)
    {
        _dataset = dataset;
        _kind = kind;
        _seed = seed;
        _device = device ?? CPU;
    }

    /// <inheritdoc/>
    public override int Count => _dataset.Count;

    /// <inheritdoc/>
    public override EpochTensors ForEpoch(int epoch)
    {
        _current?.Dispose();
        _current = new DatasetTensors(ImageAugmentation.Apply(_dataset, _kind, unchecked(_seed * 7919 + epoch)), _device);
        return new EpochTensors(_current.Features, _current.Labels, null);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
    }
}
