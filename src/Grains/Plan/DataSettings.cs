using Ensemble.Distillation.Data;

namespace Ensemble.Grains.Plan;

/// <summary>The data of a run.</summary>
/// <param name="Dataset">A catalog name (<c>fashion-mnist</c>, <c>synthetic</c>) or an IDX directory.</param>
/// <param name="TrainSubset">0 for every training example, else a stratified sample of this many.</param>
/// <param name="TestSubset">0 for every test example, else the first this many.</param>
/// <param name="ValidationFraction">The stratified share of the training set held out.</param>
/// <param name="Synthetic">The generator's settings when <paramref name="Dataset"/> is <c>synthetic</c>.</param>
public sealed record DataSettings(string Dataset, int TrainSubset, int TestSubset, double ValidationFraction, SyntheticDatasetOptions Synthetic);
