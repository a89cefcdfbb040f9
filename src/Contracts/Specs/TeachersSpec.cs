namespace Ensemble.Contracts.Specs;

/// <summary><c>teachers</c>: the ensemble of independently trained networks whose knowledge is distilled.</summary>
public sealed record TeachersSpec
{
    /// <summary><c>count</c>: the number of teachers; at least 1. Teacher i is seeded with <see cref="RunSpec.Seed"/> + i. Default 4.</summary>
    public int Count { get; init; } = 4;

    /// <summary>
    /// <c>min</c>: the quorum: how many teachers must succeed for the run to go on when others fail for good (their
    /// attempts exhausted); between 1 and count. Default (null): all of them.
    /// </summary>
    public int? Min { get; init; }

    /// <summary>The quorum in effect: <see cref="Min"/>, or every teacher.</summary>
    public int Quorum => Min ?? Count;

    /// <summary><c>bootstrap</c>: each teacher trains on its own bootstrap resample of the training set (bagging). Default false.</summary>
    public bool Bootstrap { get; init; }

    /// <summary>
    /// <c>cross_fit</c>: teacher i leaves out fold i of the training set (one fold per teacher), and each transfer example's
    /// soft target comes from the teacher that never trained on it, so targets carry honest uncertainty instead of a
    /// memorised label. Needs count >= 2; not with bootstrap. Default false.
    /// </summary>
    public bool CrossFit { get; init; }

    /// <summary><c>model</c>: the teachers' architecture. Default <see cref="ModelSection.DefaultTeacher"/> (a CNN).</summary>
    public ModelSection Model { get; init; } = ModelSection.DefaultTeacher;

    /// <summary><c>training</c>: how each teacher is trained. Default 6 epochs.</summary>
    public TrainingSection Training { get; init; } = new() { Epochs = 6 };

    /// <summary>Every problem with this section that needs no other section to see.</summary>
    /// <param name="path">The section's path, normally <c>teachers</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        if (Count < 1) yield return new(SpecPath.Field(path, "count"), "must be >= 1");
        if (Min is { } min && (min < 1 || min > Count)) yield return new(SpecPath.Field(path, "min"), $"must be between 1 and count ({Count})");
        if (CrossFit && Min is { } quorum && quorum < Count) yield return new(SpecPath.Field(path, "min"), "must equal count with cross_fit (every fold needs its teacher)");
        if (CrossFit && Count < 2) yield return new(SpecPath.Field(path, "cross_fit"), "needs count >= 2 (one held-out fold per teacher)");
        if (CrossFit && Bootstrap) yield return new(SpecPath.Field(path, "cross_fit"), "cannot be combined with bootstrap");
        foreach (var problem in Model.Validate(SpecPath.Field(path, "model")).Concat(Training.Validate(SpecPath.Field(path, "training"))))
        {
            yield return problem;
        }
    }
}
