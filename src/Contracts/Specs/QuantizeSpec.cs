namespace Ensemble.Contracts.Specs;

/// <summary>
/// <c>distillation.compress.quantize</c>: post-training static int8 quantization of the student (and of the pruned
/// student, when pruning is on): per-channel int8 weights, per-tensor uint8 activations whose ranges are observed on
/// calibration examples from the transfer set, exported as ONNX in QDQ form; the report's <c>student-int8</c>.
/// </summary>
public sealed record QuantizeSpec
{
    /// <summary><c>calibration_examples</c>: how many transfer examples (the first ones) calibrate the activation ranges, ≥ 1; fewer are used when the transfer set is smaller. Default 1024.</summary>
    public int CalibrationExamples { get; init; } = 1024;

    /// <summary>Every problem with this section.</summary>
    /// <param name="path">The section's path, normally <c>distillation.compress.quantize</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        if (CalibrationExamples < 1) yield return new(SpecPath.Field(path, "calibration_examples"), "must be >= 1");
    }
}
