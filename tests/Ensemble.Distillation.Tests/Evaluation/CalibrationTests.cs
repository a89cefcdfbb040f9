using Ensemble.Distillation.Evaluation;
using TorchSharp;
using static TorchSharp.torch;
using static Ensemble.Distillation.Tests.Losses.TestTensors;

namespace Ensemble.Distillation.Tests.Evaluation;

public sealed class CalibrationTests
{
    [Fact]
    public void ExpectedCalibrationError_HandComputed()
    {
        // Five bins of width 0.2:
        //   [0.9, 0.1] y=0: conf 0.9, bin (0.8, 1], correct
        //   [0.7, 0.3] y=1: conf 0.7, bin (0.6, 0.8], wrong
        //   [0.3, 0.7] y=1: conf 0.7, bin (0.6, 0.8], correct
        //   [0.55, 0.45] y=0: conf 0.55, bin (0.4, 0.6], correct
        // (0.8, 1]:   1/4·|1 − 0.9|    = 0.025
        // (0.6, 0.8]: 2/4·|0.5 − 0.7|  = 0.1
        // (0.4, 0.6]: 1/4·|1 − 0.55|   = 0.1125
        // ECE = 0.2375
        using var scope = NewDisposeScope();
        var p = Matrix([[0.9, 0.1], [0.7, 0.3], [0.3, 0.7], [0.55, 0.45]]);
        Assert.Equal(0.2375, Calibration.ExpectedCalibrationError(p, Labels(0, 1, 1, 0), bins: 5), 12);
        // One bin pools everything: |3/4 − (0.9 + 0.7 + 0.7 + 0.55)/4| = |0.75 − 0.7125| = 0.0375.
        Assert.Equal(0.0375, Calibration.ExpectedCalibrationError(p, Labels(0, 1, 1, 0), bins: 1), 12);
    }

    [Fact]
    public void ExpectedCalibrationError_PerfectlyCalibratedBins_IsZero()
    {
        // Four at confidence 0.75 with three right; two at 0.5 (tie → class 0) with one right.
        using var scope = NewDisposeScope();
        var p = Matrix([[0.75, 0.25], [0.75, 0.25], [0.25, 0.75], [0.25, 0.75], [0.5, 0.5], [0.5, 0.5]]);
        Assert.Equal(0.0, Calibration.ExpectedCalibrationError(p, Labels(0, 0, 1, 0, 0, 1)), 15);
        // Flip one label and the 0.75 bin is at accuracy 1/2: (4/6)·0.25 = 1/6.
        Assert.Equal(1.0 / 6, Calibration.ExpectedCalibrationError(p, Labels(0, 0, 0, 0, 0, 1)), 12);
    }

    [Fact]
    public void ExpectedCalibrationError_ConfidenceOnABinEdge_GoesToTheLowerBin()
    {
        // Two bins (0, 0.5] and (0.5, 1]. [0.5, 0.5] y=0 (correct, conf exactly 0.5) belongs to the first;
        // [0.75, 0.25] y=1 (wrong) to the second: ½·|1 − 0.5| + ½·|0 − 0.75| = 0.625.
        // (Left-closed bins would pool both: |½ − 0.625| = 0.125.)
        using var scope = NewDisposeScope();
        Assert.Equal(0.625, Calibration.ExpectedCalibrationError(Matrix([[0.5, 0.5], [0.75, 0.25]]), Labels(0, 1), bins: 2), 15);
    }

    [Fact]
    public void ExpectedCalibrationError_FloatProbabilities_AreAccepted()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new[] { 0.9f, 0.1f, 0.3f, 0.7f }, [2, 2]);
        // Both correct: (|1 − 0.9| + |1 − 0.7|)/2 = 0.2 (to float precision).
        Assert.Equal(0.2, Calibration.ExpectedCalibrationError(p, Labels(0, 1)), 6);
    }

    [Fact]
    public void ExpectedCalibrationError_Logits_AreRejected()
    {
        using var scope = NewDisposeScope();
        var logits = Assert.Throws<ArgumentException>(() => Calibration.ExpectedCalibrationError(Matrix([[2.0, -1.0]]), Labels(0)));
        Assert.Equal("probabilities", logits.ParamName);
        Assert.Contains("probabilities[0, 0] is 2", logits.Message);
        var sums = Assert.Throws<ArgumentException>(() => Calibration.ExpectedCalibrationError(Matrix([[0.5, 0.2]]), Labels(0)));
        Assert.Contains("sums to 0.7", sums.Message);
        var label = Assert.Throws<ArgumentException>(() => Calibration.ExpectedCalibrationError(Matrix([[0.5, 0.5]]), Labels(2)));
        Assert.Equal("labels", label.ParamName);
        Assert.Contains("labels[0] is 2", label.Message);
    }
}
