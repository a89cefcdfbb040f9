namespace Ensemble.Contracts.Tests.Specs;

/// <summary>Spec documents shared by the tests.</summary>
internal static class SpecTexts
{
    /// <summary>The example from the task, every field at its default value except <c>name</c>.</summary>
    public const string DocumentedDefaultsYaml = """
        name: quick                 # optional
        seed: 1                     # base seed; teacher i uses seed + i
        device: cpu                 # cpu | cuda | cuda:N
        data:
          dataset: fashion-mnist
          train_subset: 0
          test_subset: 0
          validation_fraction: 0.1
          synthetic:
            group_sizes: [3, 3, 2, 2]
            features: 32
            train_per_class: 200
            test_per_class: 100
            group_separation: 6.0
            class_separation: 1.5
            noise: 1.0
        teachers:
          count: 4
          bootstrap: false
          model: {kind: cnn, hidden: [1200, 1200], channels: [32, 64], fc_hidden: 128, dropout: 0.3}
          training: {epochs: 6, batch_size: 128, learning_rate: 0.05, schedule: cosine, optimizer: sgd, momentum: 0.9, nesterov: false, weight_decay: 0.0005, augmentation: none}
        specialists:
          count: 0
          max_size: 4
          clustering: confusion
          head: dustbin
          top_n: 3
          training: {epochs: 3}
        aggregation:
          method: arithmetic
          weighting: uniform
        distillation:
          student: {kind: mlp, hidden: [300], dropout: 0.0}
          training: {epochs: 20}
          temperature: 2.0
          student_temperature: null
          alpha: 0.5
          logit_standardization: off
          transfer:
            fraction: 1.0
            labeled: true
            omit_classes: []
            bias_correction: false
            views: 1
        baseline: true
        """;

    /// <summary>A spec that changes a field in every section, in YAML.</summary>
    public const string CustomYaml = """
        name: synth-run_2
        seed: 7
        device: cuda:1
        data:
          dataset: synthetic
          train_subset: 500
          validation_fraction: 0.2
          synthetic: {group_sizes: [2, 3], features: 8, noise: 0.5}
        teachers:
          count: 3
          bootstrap: true
          model: {kind: mlp, hidden: [64, 32]}
          training: {epochs: 2, optimizer: adamw, learning_rate: 0.001, schedule: one-cycle}
        specialists: {count: 2, max_size: 3, clustering: covariance, head: full, top_n: 2}
        aggregation: {method: geometric, weighting: entropy}
        distillation:
          student: {hidden: [16]}
          temperature: 2.5
          student_temperature: 3
          alpha: 0
          logit_standardization: compare
          transfer: {fraction: 0.03, labeled: false, omit_classes: [4, 1], bias_correction: true, views: 1}
        baseline: false
        """;

    /// <summary><see cref="CustomYaml"/> in JSON.</summary>
    public const string CustomJson = """
        {
          "name": "synth-run_2",
          "seed": 7,
          "device": "cuda:1",
          "data": {
            "dataset": "synthetic",
            "train_subset": 500,
            "validation_fraction": 0.2,
            "synthetic": {"group_sizes": [2, 3], "features": 8, "noise": 0.5}
          },
          "teachers": {
            "count": 3,
            "bootstrap": true,
            "model": {"kind": "mlp", "hidden": [64, 32]},
            "training": {"epochs": 2, "optimizer": "adamw", "learning_rate": 0.001, "schedule": "one-cycle"}
          },
          "specialists": {"count": 2, "max_size": 3, "clustering": "covariance", "head": "full", "top_n": 2},
          "aggregation": {"method": "geometric", "weighting": "entropy"},
          "distillation": {
            "student": {"hidden": [16]},
            "temperature": 2.5,
            "student_temperature": 3,
            "alpha": 0,
            "logit_standardization": "compare",
            "transfer": {"fraction": 0.03, "labeled": false, "omit_classes": [4, 1], "bias_correction": true, "views": 1}
          },
          "baseline": false
        }
        """;
}
