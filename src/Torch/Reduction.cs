namespace Ensemble.Torch;

/// <summary>How a loss reduces over the batch.</summary>
public enum Reduction
{
    /// <summary>One value per element.</summary>
    None = 0,
    /// <summary>The mean over all elements.</summary>
    Mean = 1,
    /// <summary>The sum over all elements.</summary>
    Sum = 2,
    /// <summary>The sum divided by the batch size (the KL divergence between distributions).</summary>
    BatchMean = 3,
}
