using Ensemble.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Evaluation;

/// <summary>One model's (or ensemble's) scores on a labelled set.</summary>
/// <param name="Name">What was evaluated.</param>
/// <param name="Accuracy">Fraction whose arg-max is the label.</param>
/// <param name="Nll">Mean −log max(p_y, <see cref="ProbabilityFloor"/>) in nats.</param>
/// <param name="Ece">Expected calibration error with <see cref="Calibration.DefaultBins"/> bins.</param>
/// <param name="Confusion">Counts of (true, predicted) classes.</param>
public sealed record ModelEvaluation(string Name, double Accuracy, double Nll, double Ece, ConfusionMatrix Confusion)
{
    /// <summary>
    /// The floor on p_y in the NLL: an ensemble (an arithmetic mean of members that all rule a class out, or a
    /// geometric one) can give the label probability 0, whose −log is infinite; the floor caps one example's
    /// share at −ln 1e-12 ≈ 27.6 nats, so the mean stays finite and still punishes the mistake hard.
    /// </summary>
    public const double ProbabilityFloor = 1e-12;

    /// <summary>Scores N×K probabilities against int64 labels [N].</summary>
    /// <exception cref="ArgumentException">Shapes or labels do not fit, or the rows are not probabilities.</exception>
    public static ModelEvaluation FromProbabilities(string name, Tensor probabilities, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(name);
        var host = HostPredictions.Copy(probabilities, labels);
        var predicted = new long[host.Examples];
        var nll = 0.0;
        for (var i = 0; i < host.Examples; i++)
        {
            predicted[i] = host.Prediction(i).Predicted;
            nll -= Math.Log(Math.Max(host.LabelProbability(i), ProbabilityFloor));
        }

        var confusion = ConfusionMatrix.FromArrays(predicted, host.Labels, host.Classes);
        return new ModelEvaluation(name, confusion.Accuracy, nll / host.Examples,
            Calibration.ExpectedCalibrationError(host, Calibration.DefaultBins), confusion);
    }

    /// <summary>Scores N×K logits (softmax in float64, then as <see cref="FromProbabilities"/>) against int64 labels [N].</summary>
    /// <exception cref="ArgumentException">Shapes or labels do not fit.</exception>
    public static ModelEvaluation FromLogits(string name, Tensor logits, Tensor labels)
    {
        TensorArguments.RequireMatrix(logits, nameof(logits));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var probabilities = logits.detach().to(ScalarType.Float64).softmax(1);
        return FromProbabilities(name, probabilities, labels);
    }
}
