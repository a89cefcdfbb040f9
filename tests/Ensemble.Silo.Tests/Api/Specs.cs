namespace Ensemble.Silo.Tests.Api;

/// <summary>Small synthetic specs: nothing is trained in these tests, they only have to be valid.</summary>
internal static class Specs
{
    /// <summary>Two teachers, no specialists, no baseline: teacher/0, teacher/1, aggregate, distill, report.</summary>
    public const string Yaml = """
        name: api-test
        seed: 1
        data: {dataset: synthetic, synthetic: {train_per_class: 20, test_per_class: 10}}
        teachers:
          count: 2
          model: {kind: mlp, hidden: [8]}
          training: {epochs: 1, batch_size: 16}
        distillation:
          student: {kind: mlp, hidden: [4]}
          training: {epochs: 1, batch_size: 16}
        baseline: false
        """;

    /// <summary>The same run in JSON, named <c>api-json</c>.</summary>
    public const string Json = """
        {
          "name": "api-json",
          "seed": 1,
          "data": {"dataset": "synthetic", "synthetic": {"train_per_class": 20, "test_per_class": 10}},
          "teachers": {"count": 2, "model": {"kind": "mlp", "hidden": [8]}, "training": {"epochs": 1, "batch_size": 16}},
          "distillation": {"student": {"kind": "mlp", "hidden": [4]}, "training": {"epochs": 1, "batch_size": 16}},
          "baseline": false
        }
        """;

    /// <summary>The task ids both specs expand to, in plan order.</summary>
    public static readonly string[] TaskIds = ["teacher/0", "teacher/1", "aggregate", "distill", "report"];
}
