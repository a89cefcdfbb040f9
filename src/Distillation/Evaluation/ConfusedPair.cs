namespace Ensemble.Distillation.Evaluation;

/// <summary>How often examples of <paramref name="TrueClass"/> were predicted as <paramref name="PredictedClass"/>.</summary>
/// <param name="TrueClass">The label (the smaller class of the two, for a symmetric pair).</param>
/// <param name="PredictedClass">The prediction (the larger class of the two, for a symmetric pair).</param>
/// <param name="Count">Examples confused (in both directions, for a symmetric pair).</param>
public sealed record ConfusedPair(int TrueClass, int PredictedClass, int Count);
