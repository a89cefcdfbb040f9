namespace Ensemble.Client.Tests;

/// <summary>Run specs small enough to finish in seconds on synthetic data.</summary>
internal static class TestSpecs
{
    public const string Tiny = """
        seed: 2
        data: {dataset: synthetic, synthetic: {train_per_class: 100, test_per_class: 50}}
        teachers:
          count: 2
          model: {kind: mlp, hidden: [32], dropout: 0.1}
          training: {epochs: 4, batch_size: 64}
        distillation:
          student: {kind: mlp, hidden: [16]}
          training: {epochs: 5, batch_size: 32}
        """;

    /// <summary>Every problem the validator should list, by field.</summary>
    public const string Invalid = """
        teachers:
          count: 0
          cuont: 3
        distillation:
          alpha: 1.5
          temperature: -1
        """;

    public static void AssertListsEveryProblem(string stderr)
    {
        Assert.Contains("teachers.count: must be >= 1", stderr);
        Assert.Contains("teachers.cuont: unknown field; did you mean 'count'?", stderr);
        Assert.Contains("distillation.alpha: must be in [0, 1]", stderr);
        Assert.Contains("distillation.temperature:", stderr);
    }
}
