using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Evaluation;

/// <summary>How well predicted confidences match observed accuracies.</summary>
public static class Calibration
{
    /// <summary>The number of bins Guo et al. use.</summary>
    public const int DefaultBins = 15;

    /// <summary>
    /// Expected calibration error (Guo, Pleiss, Sun &amp; Weinberger 2017, "On Calibration of Modern Neural Networks"):
    /// <c>Σ_b (|B_b|/N)·|acc(B_b) − conf(B_b)|</c> over <paramref name="bins"/> equal-width confidence bins
    /// ((b−1)/M, b/M], where the confidence is the largest probability and acc the fraction whose arg-max is the label.
    /// </summary>
    /// <param name="probabilities">N×K probabilities (rows sum to 1).</param>
    /// <param name="labels">int64 labels [N].</param>
    /// <param name="bins">M ≥ 1.</param>
    /// <exception cref="ArgumentException">Shapes or labels do not fit, or the rows are not probabilities.</exception>
    public static double ExpectedCalibrationError(Tensor probabilities, Tensor labels, int bins = DefaultBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        return ExpectedCalibrationError(HostPredictions.Copy(probabilities, labels), bins);
    }

    internal static double ExpectedCalibrationError(HostPredictions predictions, int bins)
    {
        var count = new int[bins];
        var correct = new double[bins];
        var confidence = new double[bins];
        for (var i = 0; i < predictions.Examples; i++)
        {
            var (predicted, p) = predictions.Prediction(i);
            // Bin b holds ((b−1)/M, b/M]; a confidence is never 0 (the largest of K probabilities is ≥ 1/K).
            var b = Math.Clamp((int)Math.Ceiling(p * bins) - 1, 0, bins - 1);
            count[b]++;
            confidence[b] += p;
            if (predicted == predictions.Labels[i]) correct[b]++;
        }

        // Σ_b (|B_b|/N)·|acc − conf| = (1/N) Σ_b |Σ_{i∈B_b} (correct_i − conf_i)|.
        var ece = 0.0;
        for (var b = 0; b < bins; b++)
        {
            ece += Math.Abs(correct[b] - confidence[b]);
        }

        return ece / predictions.Examples;
    }
}
