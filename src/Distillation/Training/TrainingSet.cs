using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>
/// What a <see cref="Trainer"/> trains on, epoch by epoch: the same examples every epoch, or a fresh augmented
/// view per epoch, with hard labels, soft targets or both. The set owns the tensors it hands out.
/// </summary>
public abstract class TrainingSet : IDisposable
{
    /// <summary>The number of examples in every epoch.</summary>
    public abstract int Count { get; }

    /// <summary>The tensors for 1-based epoch <paramref name="epoch"/>; valid until the next call or disposal.</summary>
    /// <remarks>Must depend only on the epoch number (not on earlier calls), so a resumed run sees the same data.</remarks>
    public abstract EpochTensors ForEpoch(int epoch);

    /// <summary>Frees the tensors the set holds.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the tensors; called once from <see cref="Dispose()"/>.</summary>
    protected abstract void Dispose(bool disposing);
}
