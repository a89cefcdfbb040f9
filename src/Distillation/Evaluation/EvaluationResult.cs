namespace Ensemble.Distillation.Evaluation;

/// <summary>How well a model predicts a labelled set.</summary>
/// <param name="Accuracy">Fraction of examples whose arg-max prediction is the label.</param>
/// <param name="Nll">Mean negative log-likelihood of the labels (nats).</param>
/// <param name="Count">Examples evaluated.</param>
public sealed record EvaluationResult(double Accuracy, double Nll, int Count);
