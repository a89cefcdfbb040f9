namespace Ensemble.Contracts.Specs;

/// <summary><c>data</c>: which dataset, and how much of it.</summary>
public sealed record DataSpec
{
    /// <summary>The catalog name of Fashion-MNIST (10 classes of 28×28 images, 60 000 training and 10 000 test examples).</summary>
    public const string FashionMnist = "fashion-mnist";

    /// <summary>The catalog name of the seeded synthetic generator configured by <see cref="Synthetic"/>.</summary>
    public const string SyntheticName = "synthetic";

    private const int FashionMnistClasses = 10;
    private const int FashionMnistTrain = 60_000;
    private const int FashionMnistTest = 10_000;

    /// <summary>
    /// <c>dataset</c>: a catalog name (<c>fashion-mnist</c>, <c>synthetic</c>) or a path to a directory of IDX files
    /// (<c>train-images-idx3-ubyte</c> and the rest, each raw or <c>.gz</c>). Default <c>fashion-mnist</c>.
    /// </summary>
    public string Dataset { get; init; } = FashionMnist;

    /// <summary><c>train_subset</c>: 0 for every training example, else a stratified sample of this many; at least 0. Default 0.</summary>
    public int TrainSubset { get; init; }

    /// <summary><c>test_subset</c>: 0 for every test example, else a stratified sample of this many; at least 0. Default 0.</summary>
    public int TestSubset { get; init; }

    /// <summary><c>validation_fraction</c>: the fraction of the training examples held out (stratified) for validation, in (0, 0.5). Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary><c>synthetic</c>: the generator's settings; only used with <c>dataset: synthetic</c>.</summary>
    public SyntheticDataSpec Synthetic { get; init; } = new();

    /// <summary>Whether <see cref="Dataset"/> names Fashion-MNIST.</summary>
    public bool IsFashionMnist => string.Equals(Dataset, FashionMnist, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Dataset"/> names the synthetic generator.</summary>
    public bool IsSynthetic => string.Equals(Dataset, SyntheticName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The number of classes when the dataset is known without reading files (Fashion-MNIST, synthetic); null for a directory.</summary>
    public int? ClassCount => IsFashionMnist ? FashionMnistClasses : IsSynthetic ? Synthetic.ClassCount : null;

    /// <summary>Every problem with this section.</summary>
    /// <param name="path">The section's path, normally <c>data</c>.</param>
    public IEnumerable<SpecProblem> Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(Dataset))
        {
            yield return new(SpecPath.Field(path, "dataset"), $"must be {FashionMnist}, {SyntheticName} or a directory of IDX files");
        }

        (long? train, long? test) = IsFashionMnist ? (FashionMnistTrain, FashionMnistTest)
            : IsSynthetic && Synthetic.ClassCount is int classes ? ((long)classes * Synthetic.TrainPerClass, (long)classes * Synthetic.TestPerClass)
            : ((long?)null, (long?)null);
        foreach (var problem in CheckSubset(SpecPath.Field(path, "train_subset"), TrainSubset, train, "training"))
        {
            yield return problem;
        }

        foreach (var problem in CheckSubset(SpecPath.Field(path, "test_subset"), TestSubset, test, "test"))
        {
            yield return problem;
        }

        if (!(ValidationFraction is > 0 and < 0.5)) yield return new(SpecPath.Field(path, "validation_fraction"), "must be in (0, 0.5): the held-out split chooses clusters, member weights and the exported student");

        foreach (var problem in Synthetic.Validate(SpecPath.Field(path, "synthetic")))
        {
            yield return problem;
        }
    }

    private static IEnumerable<SpecProblem> CheckSubset(string path, int subset, long? available, string part)
    {
        if (subset < 0) yield return new(path, "must be >= 0 (0 = all)");
        else if (subset > available) yield return new(path, $"{subset} is more than the {available} {part} examples");
    }
}
