namespace Ensemble.Grains.Plan;

/// <summary>Magnitude pruning of the student, then distillation again on the same soft targets.</summary>
/// <param name="Structured">Whole units and channels (true) or single weights (false).</param>
/// <param name="Sparsity">The fraction removed per layer, in (0, 1).</param>
/// <param name="FineTuneEpochs">Epochs of fine-tuning after pruning.</param>
/// <param name="LearningRate">The fine-tuning learning rate.</param>
public sealed record PruningSettings(bool Structured, double Sparsity, int FineTuneEpochs, double LearningRate)
{
    /// <summary>A short description for reports: <c>structured 50 %, 5 epochs of fine-tuning</c>.</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{(Structured ? "structured" : "unstructured")} {Sparsity * 100:0.#} %, {FineTuneEpochs} epochs of fine-tuning at learning rate {LearningRate:G3}");
}
