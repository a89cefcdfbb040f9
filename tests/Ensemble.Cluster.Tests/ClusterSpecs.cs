using System.Globalization;

namespace Ensemble.Cluster.Tests;

/// <summary>Small synthetic runs whose teachers train long enough (tens of epochs of a wide MLP) to be interrupted mid-training.</summary>
internal static class ClusterSpecs
{
    /// <summary>A run of <paramref name="teachers"/> teachers of <paramref name="epochs"/> epochs, a small student and its baseline.</summary>
    public static string Teachers(int teachers, int epochs, int? min = null) => string.Create(CultureInfo.InvariantCulture, $$"""
        name: cluster-e2e
        seed: 5
        data:
          dataset: synthetic
          validation_fraction: 0.2
          synthetic: {train_per_class: 500, test_per_class: 50}
        teachers:
          count: {{teachers}}
          {{(min is { } m ? $"min: {m}" : "")}}
          model: {kind: mlp, hidden: [768, 768]}
          training: {epochs: {{epochs}}, batch_size: 64}
        specialists: {count: 0}
        distillation:
          student: {kind: mlp, hidden: [32]}
          training: {epochs: 4, batch_size: 64}
          transfer: {fraction: 0.2}
        baseline: true
        """);
}
