namespace Ensemble.Contracts.Reports;

/// <summary>One model's test-set metrics.</summary>
public sealed record ModelReport
{
    /// <summary>The model's name in the report, e.g. <c>teacher/0</c> or <c>student</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Top-1 accuracy in [0, 1].</summary>
    public required double Accuracy { get; init; }

    /// <summary>Mean negative log-likelihood of the true class (nats).</summary>
    public required double Nll { get; init; }

    /// <summary>Expected calibration error (15 equal-width confidence bins).</summary>
    public required double Ece { get; init; }

    /// <summary>Counts by true class (row) and predicted class (column).</summary>
    public int[][]? Confusion { get; init; }
}
