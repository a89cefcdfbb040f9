namespace Ensemble.Distillation.Training;

/// <summary>How the learning rate moves over a run.</summary>
public enum ScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant,
    /// <summary>Cosine decay from the base rate to zero, per step (Loshchilov &amp; Hutter 2017, without restarts).</summary>
    Cosine,
    /// <summary>One-cycle (Smith 2018; PyTorch's OneCycleLR defaults): cosine warm-up from base/25 to base over 30 %, then cosine down to base/25e4.</summary>
    OneCycle,
}
