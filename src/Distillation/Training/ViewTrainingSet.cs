using Ensemble.Distillation.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Training;

/// <summary>
/// A fixed list of views of the same examples, epoch <c>e</c> showing view <c>(e − 1) mod V</c>, each with its own
/// soft targets (the teachers saw the same view the student sees). Copies one view at a time onto the device.
/// </summary>
public sealed class ViewTrainingSet : TrainingSet
{
    private readonly IReadOnlyList<Dataset> _views;
    private readonly IReadOnlyList<Tensor>? _targets;
    private readonly bool _labeled;
    private readonly Device _device;
    private readonly Tensor? _labelDistributions;
    private DatasetTensors? _current;
    private int _currentView = -1;

    /// <summary>Trains on <paramref name="views"/> (same examples, same order) with <paramref name="targets"/> per view when given.</summary>
    /// <param name="views">At least one view; all of one size.</param>
    /// <param name="targets">Soft-target logits per view (N × K each), or null to train on hard labels; owned by the caller.</param>
    /// <param name="labeled">Whether the hard labels are shown.</param>
    /// <param name="device">Where the tensors go.</param>
    /// <param name="labelWeights">Per example, 1 where its hard label is shown and 0 where it is not (semi-supervised); all shown when null.</param>
    public ViewTrainingSet(IReadOnlyList<Dataset> views, IReadOnlyList<Tensor>? targets, bool labeled = true, Device? device = null, float[]? labelWeights = null)
    {
        if (views.Count == 0) throw new ArgumentException("At least one view is needed.", nameof(views));
        if (views.Any(v => v.Count != views[0].Count)) throw new ArgumentException("Every view must hold the same examples.", nameof(views));
        if (targets is not null)
        {
            if (targets.Count != views.Count)
            {
                throw new ArgumentException($"{targets.Count} target sets for {views.Count} views.", nameof(targets));
            }

            if (targets.Any(t => t.shape[0] != views[0].Count))
            {
                throw new ArgumentException($"Soft targets must have one row per example ({views[0].Count}).", nameof(targets));
            }
        }

        if (!labeled && targets is null) throw new ArgumentException("An unlabeled set needs soft targets.", nameof(targets));
        _views = views;
        _targets = targets;
        _labeled = labeled;
        _device = device ?? CPU;
        if (labelWeights is not null)
        {
            if (labelWeights.Length != views[0].Count) throw new ArgumentException($"{labelWeights.Length} label weights for {views[0].Count} examples.", nameof(labelWeights));
            // Every view holds the same examples with the same labels.
            _labelDistributions = tensor(LabelDistributions.OneHot(views[0].Labels, views[0].ClassCount, labelWeights), [views[0].Count, views[0].ClassCount], device: _device)
                .DetachFromDisposeScope();
        }
    }

    /// <inheritdoc/>
    public override int Count => _views[0].Count;

    /// <inheritdoc/>
    public override EpochTensors ForEpoch(int epoch)
    {
        var view = (epoch - 1) % _views.Count;
        if (view != _currentView)
        {
            _current?.Dispose();
            _current = new DatasetTensors(_views[view], _device);
            _currentView = view;
        }

        return new EpochTensors(_current!.Features, _labeled ? _labelDistributions ?? _current.Labels : null, _targets?[view]);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _labelDistributions?.Dispose();
        }
    }
}
