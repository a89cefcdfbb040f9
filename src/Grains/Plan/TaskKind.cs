namespace Ensemble.Grains.Plan;

/// <summary>The kinds of task a run is made of (ARCHITECTURE §5).</summary>
public enum TaskKind
{
    /// <summary>Trains one ensemble member and stores its logits.</summary>
    Teacher,

    /// <summary>Fixes the specialists' class sets from the ensemble's held-out confusions.</summary>
    Cluster,

    /// <summary>Trains one specialist; finishes as skipped when clustering found no set for it.</summary>
    Specialist,

    /// <summary>Combines teachers and specialists into soft targets for the transfer set.</summary>
    Aggregate,

    /// <summary>Trains the student (or students) on the soft targets.</summary>
    Distill,

    /// <summary>Prunes and fine-tunes, and quantizes, the exported student; measures every exported file in ONNX Runtime.</summary>
    Compress,

    /// <summary>Trains the student's architecture on hard labels only, with the same budget.</summary>
    Baseline,

    /// <summary>Evaluates every model and combination on the test set and writes the report.</summary>
    Report,
}
