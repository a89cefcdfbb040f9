using Ensemble.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Evaluation;

/// <summary>
/// Probabilities and labels copied to managed arrays (float64, int64) for the metrics, which are sums over
/// examples with data-dependent bins: cheap on the CPU and exact in float64.
/// </summary>
internal sealed class HostPredictions
{
    // Rows must sum to 1 within this much; a looser check would let logits through.
    private const double RowSumTolerance = 1e-3;

    private HostPredictions(double[] probabilities, long[] labels, int examples, int classes)
    {
        Probabilities = probabilities;
        Labels = labels;
        Examples = examples;
        Classes = classes;
    }

    /// <summary>Row-major N×K probabilities.</summary>
    public double[] Probabilities { get; }

    /// <summary>The N labels, each in [0, K).</summary>
    public long[] Labels { get; }

    /// <summary>N.</summary>
    public int Examples { get; }

    /// <summary>K.</summary>
    public int Classes { get; }

    /// <summary>p(label) of example <paramref name="i"/>.</summary>
    public double LabelProbability(int i) => Probabilities[(long)i * Classes + Labels[i]];

    /// <summary>The arg-max class of example <paramref name="i"/> (the first on ties, as torch.argmax) and its probability.</summary>
    public (int Predicted, double Confidence) Prediction(int i)
    {
        var row = Probabilities.AsSpan(i * Classes, Classes);
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best]) best = c;
        }

        return (best, row[best]);
    }

    /// <summary>Copies and checks N×K probabilities (each in [0, 1], rows summing to 1) and int64 labels [N] in [0, K).</summary>
    public static HostPredictions Copy(Tensor probabilities, Tensor labels)
    {
        TensorArguments.RequireMatrix(probabilities, nameof(probabilities));
        TensorArguments.RequireLabels(labels, nameof(labels), probabilities, nameof(probabilities));
        var (examples, classes) = ((int)probabilities.size(0), (int)probabilities.size(1));
        using var noGrad = no_grad();
        using var values = probabilities.detach().to(ScalarType.Float64, CPU);
        using var labelValues = labels.to(ScalarType.Int64, CPU);
        var p = values.data<double>().ToArray();
        var y = labelValues.data<long>().ToArray();
        for (var i = 0; i < examples; i++)
        {
            var sum = 0.0;
            for (var c = 0; c < classes; c++)
            {
                var v = p[(long)i * classes + c];
                if (!(v >= 0 && v <= 1))
                {
                    throw new ArgumentException($"probabilities[{i}, {c}] is {v}, not a probability in [0, 1]; logits must go through softmax first", nameof(probabilities));
                }

                sum += v;
            }

            if (Math.Abs(sum - 1) > RowSumTolerance)
            {
                throw new ArgumentException($"row {i} of probabilities sums to {sum}, not 1", nameof(probabilities));
            }
        }

        RequireLabelRange(y, classes);
        return new HostPredictions(p, y, examples, classes);
    }

    /// <summary>Throws unless every label lies in [0, <paramref name="classes"/>).</summary>
    public static void RequireLabelRange(long[] labels, int classes)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
            {
                throw new ArgumentException($"labels[{i}] is {labels[i]}, outside the {classes} classes [0, {classes})", nameof(labels));
            }
        }
    }
}
