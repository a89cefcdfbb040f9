using Ensemble.Distillation.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>The same labelled examples every epoch.</summary>
public sealed class FixedTrainingSet : TrainingSet
{
    private readonly DatasetTensors _data;
    private readonly bool _owns;
    private readonly EpochTensors _tensors;

    /// <summary>Trains on <paramref name="data"/>; disposes it with the set when <paramref name="owns"/> is true.</summary>
    public FixedTrainingSet(DatasetTensors data, bool owns = false, Tensor? targets = null)
    {
        _data = data;
        _owns = owns;
        _tensors = new EpochTensors(data.Features, data.Labels, targets);
    }

    /// <inheritdoc/>
    public override int Count => _data.Count;

    /// <inheritdoc/>
    public override EpochTensors ForEpoch(int epoch) => _tensors;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _owns) _data.Dispose();
    }
}
