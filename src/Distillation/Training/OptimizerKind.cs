namespace Ensemble.Distillation.Training;

/// <summary>The optimizers a run can use.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with (optionally Nesterov) momentum and L2 weight decay.</summary>
    Sgd,
    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}
