namespace Ensemble.Distillation.Training;

/// <summary>The hyper-parameters of one training run: one plain record, as in nanoGPT.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per step (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The base (peak) learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>How the learning rate moves over the run.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD: use Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>L2 penalty (SGD) or decoupled decay (AdamW).</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Seeds initialisation, data order and dropout.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Batch size for evaluation.</summary>
    public int EvaluationBatchSize { get; init; } = 1000;

    /// <summary>Evaluate on the test set after every epoch.</summary>
    public bool EvaluateEachEpoch { get; init; } = true;

    /// <summary>Where to write a checkpoint after every epoch; none when null.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Every problem with these options, by field name; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate(string path = "training")
    {
        var problems = new List<string>();
        if (Epochs < 1) problems.Add($"{path}.epochs: must be ≥ 1");
        if (BatchSize < 1) problems.Add($"{path}.batch_size: must be ≥ 1");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) problems.Add($"{path}.learning_rate: must be a finite number > 0");
        if (Momentum is < 0 or >= 1) problems.Add($"{path}.momentum: must be in [0, 1)");
        if (Nesterov && Momentum == 0) problems.Add($"{path}.nesterov: needs momentum > 0");
        if (WeightDecay < 0) problems.Add($"{path}.weight_decay: must be ≥ 0");
        if (EvaluationBatchSize < 1) problems.Add($"{path}.evaluation_batch_size: must be ≥ 1");
        return problems;
    }
}
