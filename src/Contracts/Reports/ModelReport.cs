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

    /// <summary>
    /// The size of its ONNX file in bytes, when the run measured it (<c>distillation.compress</c>); for an ensemble
    /// row, its members' together (and so for its latencies).
    /// </summary>
    public long? Bytes { get; init; }

    /// <summary>ONNX Runtime's time per image on one thread, in microseconds, at batch 1; when measured.</summary>
    public double? LatencyBatch1Microseconds { get; init; }

    /// <summary>ONNX Runtime's time per image on one thread, in microseconds, at batch 64; when measured.</summary>
    public double? LatencyBatch64Microseconds { get; init; }

    /// <summary>What was done to make this model, for compressed students (e.g. <c>mlp 784-150-10, structured 50 %, …</c>).</summary>
    public string? Detail { get; init; }

    /// <summary>Counts by true class (row) and predicted class (column).</summary>
    public int[][]? Confusion { get; init; }
}
