using Ensemble.Distillation.Evaluation;
using TorchSharp;
using static TorchSharp.torch;
using static Ensemble.Distillation.Tests.Losses.TestTensors;

namespace Ensemble.Distillation.Tests.Evaluation;

public sealed class ModelEvaluationTests
{
    [Fact]
    public void FromProbabilities_HandComputed_WithTheNllFloorOnAZeroProbability()
    {
        // [0.9, 0.1, 0] y=0 correct;  [0.3, 0.7, 0] y=1 correct;  [1, 0, 0] y=2 wrong with p_y = 0.
        // accuracy 2/3
        // NLL = (−ln 0.9 − ln 0.7 − ln 1e-12)/3 = (0.105361 + 0.356675 + 27.631021)/3 ≈ 9.364352 (finite: the floor)
        // ECE, 15 bins: 0.9 → bin 14 (of 1..15), 0.7 → bin 11, 1.0 → bin 15: (0.1 + 0.3 + 1)/3 = 1.4/3
        using var scope = NewDisposeScope();
        var result = ModelEvaluation.FromProbabilities("ensemble", Matrix([[0.9, 0.1, 0], [0.3, 0.7, 0], [1, 0, 0]]), Labels(0, 1, 2));
        Assert.Equal("ensemble", result.Name);
        Assert.Equal(2.0 / 3, result.Accuracy, 15);
        Assert.Equal((-Math.Log(0.9) - Math.Log(0.7) - Math.Log(1e-12)) / 3, result.Nll, 12);
        Assert.Equal(9.364352, result.Nll, 5);
        Assert.Equal(1.4 / 3, result.Ece, 12);
        Assert.Equal(1, result.Confusion[2, 0]);
        Assert.Equal(3, result.Confusion.Count);
    }

    [Fact]
    public void FromLogits_IsSoftmaxThenFromProbabilities()
    {
        // ln[1, 3] → [1/4, 3/4], y=1 correct; ln[2, 2] → [1/2, 1/2], tie → class 0, y=0 correct.
        // NLL = (ln(4/3) + ln 2)/2 ≈ 0.490415; ECE (15 bins) = (|1 − 0.75| + |1 − 0.5|)/2 = 0.375.
        using var scope = NewDisposeScope();
        var result = ModelEvaluation.FromLogits("student", LogOf([[1, 3], [2, 2]]), Labels(1, 0));
        Assert.Equal(1.0, result.Accuracy);
        Assert.Equal((Math.Log(4.0 / 3) + Math.Log(2)) / 2, result.Nll, 12);
        Assert.Equal(0.375, result.Ece, 12);
    }

    [Fact]
    public void FromLogits_LabelProbabilityBelowTheFloor_IsCappedAtMinusLogFloor()
    {
        // log_softmax gives −1000 for the label; the floor caps the example's NLL at −ln 1e-12 ≈ 27.631021.
        using var scope = NewDisposeScope();
        var result = ModelEvaluation.FromLogits("student", Matrix([[0, -1000]]), Labels(1));
        Assert.Equal(-Math.Log(ModelEvaluation.ProbabilityFloor), result.Nll, 12);
        Assert.Equal(27.631021, result.Nll, 5);
    }
}
