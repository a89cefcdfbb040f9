using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Data;

/// <summary>A <see cref="Dataset"/> copied once onto a device: features N×(example shape) float32, labels N int64.</summary>
public sealed class DatasetTensors : IDisposable
{
    /// <summary>Copies <paramref name="dataset"/> onto <paramref name="device"/>.</summary>
    public DatasetTensors(Dataset dataset, Device? device = null)
    {
        Dataset = dataset;
        long[] shape = [dataset.Count, .. dataset.ExampleShape.Select(s => (long)s)];
        Features = tensor(dataset.Features, shape, device: device).DetachFromDisposeScope();
        var labels = Array.ConvertAll(dataset.Labels, l => (long)l);
        Labels = tensor(labels, [labels.Length], device: device).DetachFromDisposeScope();
    }

    /// <summary>The dataset these tensors hold.</summary>
    public Dataset Dataset { get; }

    /// <summary>All examples, N × example shape.</summary>
    public Tensor Features { get; }

    /// <summary>All labels, int64.</summary>
    public Tensor Labels { get; }

    /// <summary>The number of examples.</summary>
    public int Count => Dataset.Count;

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
