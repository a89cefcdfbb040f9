using Ensemble.Distillation.Evaluation;
using TorchSharp;
using static TorchSharp.torch;
using static Ensemble.Distillation.Tests.Losses.TestTensors;

namespace Ensemble.Distillation.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    // labels      [0, 0, 0, 1, 1, 2, 2, 2]
    // predictions [0, 1, 0, 1, 0, 2, 1, 1]
    // counts (row = true, column = predicted):
    //   0: [2, 1, 0]
    //   1: [1, 1, 0]
    //   2: [0, 2, 1]
    // accuracy 4/8; per class [2/3, 1/2, 1/3].
    private static readonly long[] LabelValues = [0, 0, 0, 1, 1, 2, 2, 2];
    private static readonly long[] PredictionValues = [0, 1, 0, 1, 0, 2, 1, 1];
    private static readonly int[][] Expected = [[2, 1, 0], [1, 1, 0], [0, 2, 1]];

    private static void AssertHandCase(ConfusionMatrix matrix)
    {
        Assert.Equal(3, matrix.ClassCount);
        Assert.Equal(Expected.Select(r => r.ToList()), matrix.Counts.Select(r => r.ToList()));
        Assert.Equal(2, matrix[2, 1]);
        Assert.Equal(8, matrix.Count);
        Assert.Equal(0.5, matrix.Accuracy, 15);
        Assert.Equal([2.0 / 3, 0.5, 1.0 / 3], matrix.PerClassAccuracy);
    }

    [Fact]
    public void From_IntegerPredictions_CountsByHand()
    {
        using var scope = NewDisposeScope();
        AssertHandCase(ConfusionMatrix.From(tensor(PredictionValues), tensor(LabelValues), 3));
    }

    [Fact]
    public void From_Probabilities_TakesTheArgMaxOfEachRow()
    {
        using var scope = NewDisposeScope();
        var probabilities = nn.functional.one_hot(tensor(PredictionValues), 3).to(ScalarType.Float32) * 0.6f + 0.4f / 3;
        AssertHandCase(ConfusionMatrix.From(probabilities, tensor(LabelValues), 3));
    }

    [Fact]
    public void PerClassAccuracy_ClassWithoutExamples_IsNull()
    {
        using var scope = NewDisposeScope();
        var matrix = ConfusionMatrix.From(tensor(PredictionValues), tensor(LabelValues), 4);
        Assert.Null(matrix.PerClassAccuracy[3]);
        Assert.Equal(0, matrix[3, 3]);
    }

    [Fact]
    public void MostConfusedPairs_DirectedAndSymmetric()
    {
        var matrix = new ConfusionMatrix(Expected);
        // Directed off-diagonal counts: 2→1: 2, 0→1: 1, 1→0: 1 (ties by class index).
        Assert.Equal([new ConfusedPair(2, 1, 2), new ConfusedPair(0, 1, 1), new ConfusedPair(1, 0, 1)], matrix.MostConfusedPairs(5));
        Assert.Equal([new ConfusedPair(2, 1, 2)], matrix.MostConfusedPairs(1));
        // Symmetric: {0, 1}: 1 + 1 = 2, {1, 2}: 0 + 2 = 2, {0, 2}: 0 (left out).
        Assert.Equal([new ConfusedPair(0, 1, 2), new ConfusedPair(1, 2, 2)], matrix.MostConfusedPairs(5, symmetric: true));
    }

    [Fact]
    public void Constructor_CopiesAndValidates()
    {
        var counts = new[] { new[] { 1, 0 }, new[] { 0, 1 } };
        var matrix = new ConfusionMatrix(counts);
        counts[0][0] = 99;
        Assert.Equal(1, matrix[0, 0]);

        var ragged = Assert.Throws<ArgumentException>(() => new ConfusionMatrix([[1, 0], [1]]));
        Assert.Contains("counts[1] has 1 columns but there are 2 rows", ragged.Message);
        var negative = Assert.Throws<ArgumentException>(() => new ConfusionMatrix([[1, -1], [0, 0]]));
        Assert.Contains("counts[0][1] is -1", negative.Message);
    }

    [Fact]
    public void From_BadArguments_AreRejected()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(LabelValues);
        var width = Assert.Throws<ArgumentException>(() => ConfusionMatrix.From(zeros(8, 4), labels, 3));
        Assert.Contains("[8, 4]", width.Message);
        var outOfRange = Assert.Throws<ArgumentException>(() => ConfusionMatrix.From(tensor(PredictionValues), labels, 2));
        Assert.Contains("labels[5] is 2", outOfRange.Message);
        var floats = Assert.Throws<ArgumentException>(() => ConfusionMatrix.From(zeros(8), labels, 3));
        Assert.Equal("predictionsOrProbabilities", floats.ParamName);
        var count = Assert.Throws<ArgumentException>(() => ConfusionMatrix.From(tensor(new long[] { 0, 1 }), labels, 3));
        Assert.Equal("labels", count.ParamName);
        Assert.Contains("[8]", count.Message);
        Assert.Contains("[2]", count.Message);
    }
}
