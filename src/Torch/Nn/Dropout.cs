namespace Ensemble.Torch.Nn;

/// <summary>Inverted dropout, active only in training mode.</summary>
public sealed class Dropout(double probability) : Module
{
    /// <summary>The probability of zeroing an element.</summary>
    public double Probability { get; } = probability is >= 0 and < 1
        ? probability
        : throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be in [0, 1)");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Probability == 0 || !IsTraining ? input.Alias() : Functional.Dropout(input, Probability, training: true);
}
