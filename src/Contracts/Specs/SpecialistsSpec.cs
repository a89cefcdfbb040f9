namespace Ensemble.Contracts.Specs;

/// <summary>
/// <c>specialists</c>: networks for clusters of confusable classes (Hinton et al. 2015 §5), each initialised
/// from the generalist (teacher 0) and trained on data enriched for its classes.
/// </summary>
public sealed record SpecialistsSpec
{
    /// <summary><c>count</c>: the number of specialists; 0 (the default) for none.</summary>
    public int Count { get; init; }

    /// <summary><c>max_size</c>: the most classes one specialist covers; at least 2. Default 4.</summary>
    public int MaxSize { get; init; } = 4;

    /// <summary><c>clustering</c>: <c>confusion</c> (default) or <c>covariance</c>.</summary>
    public SpecialistClustering Clustering { get; init; } = SpecialistClustering.Confusion;

    /// <summary><c>head</c>: <c>dustbin</c> (default) or <c>full</c>.</summary>
    public SpecialistHead Head { get; init; } = SpecialistHead.Dustbin;

    /// <summary><c>top_n</c>: a specialist is active for an example when one of its classes is among the generalist's top n; at least 1. Default 3.</summary>
    public int TopN { get; init; } = 3;

    /// <summary><c>training</c>: how each specialist is trained. Default 3 epochs.</summary>
    public TrainingSection Training { get; init; } = new() { Epochs = 3 };

    /// <summary>Every problem with this section that needs no other section to see.</summary>
    /// <param name="path">The section's path, normally <c>specialists</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        if (Count < 0) yield return new(SpecPath.Field(path, "count"), "must be >= 0 (0 = no specialists)");
        if (MaxSize < 2) yield return new(SpecPath.Field(path, "max_size"), "must be >= 2");
        if (TopN < 1) yield return new(SpecPath.Field(path, "top_n"), "must be >= 1");
        foreach (var problem in Training.Validate(SpecPath.Field(path, "training")))
        {
            yield return problem;
        }
    }
}
