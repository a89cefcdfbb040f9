using Ensemble.Distillation.Ensembles;
using Ensemble.Distillation.Specialists;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Transfer;

/// <summary>
/// The trained ensemble — its members and specialists — as one teacher: images in, soft-target logits out, computed
/// on exactly the images the student is shown (consistent targets, Beyer et al. 2022). Members run in evaluation mode
/// (batch-norm statistics, no dropout) without gradients, in large batches.
/// </summary>
public sealed class EnsembleTeacher : IDisposable
{
    private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> _members;
    private readonly IReadOnlyList<TrainedSpecialist> _specialists;
    private readonly EnsembleRecipe _recipe;
    private readonly double _temperature;

    /// <summary>A teacher of <paramref name="members"/> and <paramref name="specialists"/>, whose modules it takes over and disposes.</summary>
    /// <param name="members">The generalists, at least one.</param>
    /// <param name="specialists">The trained specialists; empty for none.</param>
    /// <param name="recipe">How member outputs become targets.</param>
    /// <param name="temperature">The distillation temperature the aggregate is taken at.</param>
    public EnsembleTeacher(IReadOnlyList<nn.Module<Tensor, Tensor>> members, IReadOnlyList<TrainedSpecialist> specialists, EnsembleRecipe recipe, double temperature)
    {
        if (members.Count == 0) throw new ArgumentException("An ensemble teacher needs at least one member.", nameof(members));
        _members = members;
        _specialists = specialists;
        _recipe = recipe;
        _temperature = temperature;
        foreach (var model in members.Concat(specialists.Select(s => s.Model))) model.eval();
    }

    /// <summary>The number of networks one example passes through.</summary>
    public int Networks => _members.Count + _specialists.Count;

    /// <summary>
    /// Soft-target logits for every row of <paramref name="images"/> (N × example shape, on the members' device), N×K, in
    /// <paramref name="batchSize"/>-row pieces; the same convention as the run's fixed targets (see <see cref="EnsembleRecipe.SoftTargetLogits"/>).
    /// </summary>
    public Tensor SoftTargets(Tensor images, int batchSize = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rows = images.size(0);
        var parts = new List<Tensor>();
        for (long start = 0; start < rows; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var pieceScope = NewDisposeScope();
            var batch = images.narrow(0, start, Math.Min(batchSize, rows - start));
            var logits = _members.Select(m => m.call(batch)).ToList();
            var predictions = _specialists.Select(s => s.Predict(batch)).ToList();
            parts.Add(_recipe.SoftTargetLogits(logits, predictions, _temperature).MoveToOuterDisposeScope());
        }

        return cat(parts).MoveToOuterDisposeScope();
    }

    /// <summary>Frees every member and specialist.</summary>
    public void Dispose()
    {
        foreach (var model in _members) model.Dispose();
        foreach (var specialist in _specialists) specialist.Model.Dispose();
    }
}
