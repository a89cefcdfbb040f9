namespace Ensemble.Contracts.Specs;

/// <summary>
/// How one kind of network is trained (the <c>training</c> section of teachers, specialists and the distilled student).
/// Each place has its own defaults for <see cref="Epochs"/>; the rest default as below.
/// </summary>
public sealed record TrainingSection
{
    /// <summary><c>epochs</c>: passes over the training data; at least 1.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary><c>batch_size</c>: examples per optimizer step; at least 1. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary><c>learning_rate</c>: the base (peak) learning rate; greater than 0. Default 0.05.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary><c>schedule</c>: <c>constant</c>, <c>cosine</c> (default) or <c>one-cycle</c>.</summary>
    public ScheduleName Schedule { get; init; } = ScheduleName.Cosine;

    /// <summary><c>optimizer</c>: <c>sgd</c> (default) or <c>adamw</c>.</summary>
    public OptimizerName Optimizer { get; init; } = OptimizerName.Sgd;

    /// <summary><c>momentum</c>: SGD momentum, in [0, 1). Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary><c>nesterov</c>: use Nesterov momentum (SGD only, needs momentum &gt; 0). Default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary><c>weight_decay</c>: L2 penalty (SGD) or decoupled decay (AdamW); at least 0. Default 0.0005.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary><c>augmentation</c>: <c>none</c> (default), <c>shift</c> or <c>shift-flip</c>; the last two need image data.</summary>
    public AugmentationName Augmentation { get; init; } = AugmentationName.None;

    /// <summary>Every problem with this section that needs no other section to see.</summary>
    /// <param name="path">The section's path, such as <c>teachers.training</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        if (Epochs < 1) yield return new(SpecPath.Field(path, "epochs"), "must be >= 1");
        if (BatchSize < 1) yield return new(SpecPath.Field(path, "batch_size"), "must be >= 1");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) yield return new(SpecPath.Field(path, "learning_rate"), "must be a finite number > 0");
        if (!(Momentum is >= 0 and < 1)) yield return new(SpecPath.Field(path, "momentum"), "must be in [0, 1)");
        if (Nesterov && Optimizer != OptimizerName.Sgd) yield return new(SpecPath.Field(path, "nesterov"), "only applies to the sgd optimizer");
        else if (Nesterov && Momentum == 0) yield return new(SpecPath.Field(path, "nesterov"), "needs momentum > 0");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) yield return new(SpecPath.Field(path, "weight_decay"), "must be a finite number >= 0");
    }
}
