using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Specialists;

/// <summary>One specialist's predictions for a batch, as <see cref="SpecialistCombiner"/> takes them.</summary>
/// <param name="Classes">The specialist's classes S, sorted ascending.</param>
/// <param name="Distribution">
/// N×(|S| + 1) probabilities: the special classes in the order of <see cref="Classes"/>, then the dustbin (see
/// <see cref="SpecialistOutputs.ToDistribution"/>). The record does not own the tensor; the caller disposes it.
/// </param>
public sealed record SpecialistPrediction(int[] Classes, Tensor Distribution);
