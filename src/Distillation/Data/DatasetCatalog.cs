namespace Ensemble.Distillation.Data;

/// <summary>
/// Finds and loads the train and test parts of a dataset given by name (<c>fashion-mnist</c>) or by directory.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The name that selects Fashion-MNIST from its installed location.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>The environment variable that, when set, overrides where Fashion-MNIST is looked for.</summary>
    public const string FashionMnistDirectoryVariable = "ENSEMBLE_FASHION_MNIST_DIR";

    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the data.</summary>
    public const string DefaultFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian package that provides Fashion-MNIST.</summary>
    public const string FashionMnistPackage = "dataset-fashion-mnist";

    /// <summary>The ten Fashion-MNIST classes, indexed by label.</summary>
    public static IReadOnlyList<string> FashionMnistClassNames { get; } =
        Array.AsReadOnly(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);

    /// <summary>The base names of the four IDX files a dataset directory holds, each with or without <c>.gz</c>.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        Array.AsReadOnly(["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]);

    /// <summary>
    /// Loads a dataset's train and test parts.
    /// </summary>
    /// <param name="nameOrDirectory">
    /// <c>fashion-mnist</c> (from <c>$ENSEMBLE_FASHION_MNIST_DIR</c>, else <see cref="DefaultFashionMnistDirectory"/>),
    /// or a directory holding the four <see cref="FileNames"/>, each gzip-compressed (<c>.gz</c>) or raw.
    /// </param>
    /// <param name="normalization">
    /// The fixed pixel mean and standard deviation; null uses <see cref="IdxDataset.FashionMnistNormalization"/>.
    /// </param>
    /// <returns>The training set and the test set, with the same classes.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist; the message says how to get it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the file looked for.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the files disagree.</exception>
    public static (Dataset Train, Dataset Test) Load(string nameOrDirectory, (float Mean, float Std)? normalization = null) =>
        Load(nameOrDirectory, normalization, Environment.GetEnvironmentVariable(FashionMnistDirectoryVariable));

    /// <summary>Resolves a name or directory to the directory that holds the files, without checking it exists.</summary>
    /// <param name="nameOrDirectory">As for <see cref="Load(string, ValueTuple{float, float}?)"/>.</param>
    public static string ResolveDirectory(string nameOrDirectory) =>
        ResolveDirectory(nameOrDirectory, Environment.GetEnvironmentVariable(FashionMnistDirectoryVariable));

    /// <summary>As the public overload, with the environment variable's value passed in so tests need not set it.</summary>
    internal static (Dataset Train, Dataset Test) Load(
        string nameOrDirectory, (float Mean, float Std)? normalization, string? fashionMnistDirectoryVariable)
    {
        string directory = ResolveDirectory(nameOrDirectory, fashionMnistDirectoryVariable);
        bool fashionMnist = IsFashionMnist(nameOrDirectory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(fashionMnist
                ? $"Fashion-MNIST directory {directory} not found{(string.IsNullOrEmpty(fashionMnistDirectoryVariable) ? "" : $" (from {FashionMnistDirectoryVariable})")}; "
                  + $"install the Debian package {FashionMnistPackage}, or set {FashionMnistDirectoryVariable} to a directory holding {string.Join(", ", FileNames)} (each .gz or raw)"
                : $"dataset directory {directory} not found; expected '{FashionMnistName}' or a directory holding {string.Join(", ", FileNames)} (each .gz or raw)");
        }

        string name = fashionMnist ? FashionMnistName : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        IReadOnlyList<string>? classNames = fashionMnist ? FashionMnistClassNames : null;

        Dataset train = IdxDataset.Load(
            FindFile(directory, FileNames[0]), FindFile(directory, FileNames[1]), $"{name}/train", classNames, normalization);
        // The test set takes the training set's classes, so both agree on ClassCount even if a class is absent from one.
        Dataset test = IdxDataset.Load(
            FindFile(directory, FileNames[2]), FindFile(directory, FileNames[3]), $"{name}/test", train.ClassNames, normalization);
        return (train, test);
    }

    internal static string ResolveDirectory(string nameOrDirectory, string? fashionMnistDirectoryVariable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrDirectory);
        if (!IsFashionMnist(nameOrDirectory))
        {
            return nameOrDirectory;
        }

        return string.IsNullOrEmpty(fashionMnistDirectoryVariable) ? DefaultFashionMnistDirectory : fashionMnistDirectoryVariable;
    }

    private static bool IsFashionMnist(string nameOrDirectory) =>
        string.Equals(nameOrDirectory, FashionMnistName, StringComparison.OrdinalIgnoreCase);

    private static string FindFile(string directory, string baseName)
    {
        string gzip = Path.Combine(directory, baseName + ".gz");
        if (File.Exists(gzip))
        {
            return gzip;
        }

        string raw = Path.Combine(directory, baseName);
        if (File.Exists(raw))
        {
            return raw;
        }

        throw new FileNotFoundException($"{directory}: missing {baseName}.gz (or raw {baseName})", gzip);
    }
}
