namespace Ensemble.Contracts.Specs;

/// <summary>
/// <c>distillation.compress.prune</c>: magnitude pruning of the exported student, then fine-tuning on the soft targets
/// it learned from (distillation recovers what pruning costs); the result is the report's <c>student-pruned</c>.
/// </summary>
public sealed record PruneSpec
{
    // Removing every unit would leave no network; 99 % is already far past where accuracy holds.
    private const double MaxSparsity = 0.99;

    /// <summary><c>method</c>: <c>structured</c> (default) or <c>unstructured</c>.</summary>
    public PruningMethod Method { get; init; } = PruningMethod.Structured;

    /// <summary><c>sparsity</c>: the fraction removed, of each layer's units (structured) or weights (unstructured), in (0, 0.99]. Default 0.5.</summary>
    public double Sparsity { get; init; } = 0.5;

    /// <summary><c>fine_tune_epochs</c>: epochs of distillation after pruning, ≥ 0. Default 5.</summary>
    public int FineTuneEpochs { get; init; } = 5;

    /// <summary><c>learning_rate</c>: the fine-tuning learning rate, &gt; 0; null (default) for a tenth of the student's.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Every problem with this section.</summary>
    /// <param name="path">The section's path, normally <c>distillation.compress.prune</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        if (!(Sparsity is > 0 and <= MaxSparsity)) yield return new(SpecPath.Field(path, "sparsity"), $"must be in (0, {MaxSparsity}]");
        if (FineTuneEpochs < 0) yield return new(SpecPath.Field(path, "fine_tune_epochs"), "must be >= 0");
        if (LearningRate is double rate && (!(rate > 0) || !double.IsFinite(rate)))
        {
            yield return new(SpecPath.Field(path, "learning_rate"), "must be a finite number > 0, or null for a tenth of the student's");
        }
    }
}
