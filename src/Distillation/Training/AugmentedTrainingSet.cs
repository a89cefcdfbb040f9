using Ensemble.Distillation.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>
/// A fresh view of the same examples every epoch, drawn from the seed and the epoch number: augmented, optionally mixed
/// (mixup, with blended labels), and optionally with soft targets computed on exactly that view — so a teacher scores the
/// very images the student is shown (Beyer et al. 2022, "function matching").
/// </summary>
public sealed class AugmentedTrainingSet : TrainingSet
{
    private readonly Dataset _dataset;
    private readonly AugmentationKind _kind;
    private readonly int _seed;
    private readonly Device _device;
    private readonly double _mixup;
    private readonly bool _labeled;
    private readonly Func<int, Tensor, Tensor>? _targets;
    private readonly float[]? _labelWeights;
    private DatasetTensors? _current;
    private Tensor? _labelDistributions;
    private Tensor? _currentTargets;

    /// <summary>Augments <paramref name="dataset"/> with <paramref name="kind"/>, a different draw per epoch.</summary>
    /// <param name="dataset">The examples.</param>
    /// <param name="kind">The augmentation.</param>
    /// <param name="seed">Seeds every epoch's draws.</param>
    /// <param name="device">Where the tensors go; CPU when null.</param>
    /// <param name="mixup">The α of mixup's Beta(α, α); 0 for none.</param>
    /// <param name="labeled">Whether the hard (or, with mixup, blended) labels are shown.</param>
    /// <param name="targets">
    /// Soft-target logits for an epoch's images: called with the 1-based epoch and the N × example-shape features, returns
    /// N×K logits the set then owns; null for none.
    /// </param>
    /// <param name="labelWeights">Per example, 1 where its hard label is shown and 0 where it is not (semi-supervised); all shown when null.</param>
    /// <exception cref="ArgumentException">Nothing to learn from (no labels and no targets), or a bad mixup α.</exception>
    public AugmentedTrainingSet(Dataset dataset, AugmentationKind kind, int seed, Device? device = null, double mixup = 0, bool labeled = true,
        Func<int, Tensor, Tensor>? targets = null, float[]? labelWeights = null)
    {
        if (labelWeights is not null && labelWeights.Length != dataset.Count)
        {
            throw new ArgumentException($"{labelWeights.Length} label weights for {dataset.Count} examples.", nameof(labelWeights));
        }

        if (!labeled && targets is null) throw new ArgumentException("An unlabeled set needs soft targets.", nameof(targets));
        if (!(mixup >= 0) || !double.IsFinite(mixup)) throw new ArgumentOutOfRangeException(nameof(mixup), mixup, "mixup α must be a finite number ≥ 0");
        _dataset = dataset;
        _kind = kind;
        _seed = seed;
        _device = device ?? CPU;
        _mixup = mixup;
        _labeled = labeled;
        _targets = targets;
        _labelWeights = labelWeights;
    }

    /// <inheritdoc/>
    public override int Count => _dataset.Count;

    /// <inheritdoc/>
    public override EpochTensors ForEpoch(int epoch)
    {
        Release();
        var view = ImageAugmentation.Apply(_dataset, _kind, unchecked(_seed * 7919 + epoch));
        float[]? distributions = null;
        if (_mixup > 0)
        {
            var draw = MixupDraw.Apply(view, _mixup, unchecked(_seed * 104_729 + epoch));
            view = draw.Mixed;
            distributions = draw.LabelDistributions(_labelWeights);
        }
        else if (_labelWeights is not null)
        {
            distributions = LabelDistributions.OneHot(view.Labels, view.ClassCount, _labelWeights);
        }

        if (_labeled && distributions is not null)
        {
            _labelDistributions = tensor(distributions, [view.Count, view.ClassCount], device: _device).DetachFromDisposeScope();
        }

        _current = new DatasetTensors(view, _device);
        _currentTargets = _targets?.Invoke(epoch, _current.Features).DetachFromDisposeScope();
        var labels = !_labeled ? null : _labelDistributions ?? _current.Labels;
        return new EpochTensors(_current.Features, labels, _currentTargets);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Release();
    }

    private void Release()
    {
        _current?.Dispose();
        _labelDistributions?.Dispose();
        _currentTargets?.Dispose();
        (_current, _labelDistributions, _currentTargets) = (null, null, null);
    }
}
