namespace Ensemble.Distillation.Data;

/// <summary>
/// Builds a <see cref="Dataset"/> from a pair of IDX files: N×H×W uint8 images and N uint8 labels (the MNIST layout).
/// </summary>
public static class IdxDataset
{
    /// <summary>The mean and standard deviation of Fashion-MNIST's training pixels scaled to [0, 1].</summary>
    public static (float Mean, float Std) FashionMnistNormalization { get; } = (0.2860f, 0.3530f);

    /// <summary>
    /// Loads images and labels into a dataset whose features are <c>(pixel / 255 − Mean) / Std</c> and whose
    /// example shape is <c>[1, H, W]</c>.
    /// </summary>
    /// <param name="imagesPath">An IDX file (gzip or raw) of N×H×W unsigned bytes.</param>
    /// <param name="labelsPath">An IDX file (gzip or raw) of N unsigned bytes.</param>
    /// <param name="name">The dataset's name.</param>
    /// <param name="classNames">
    /// One name per class, which also fixes the class count; null makes the class count the largest label + 1.
    /// </param>
    /// <param name="normalization">
    /// The fixed mean and standard deviation of pixels scaled to [0, 1]; null uses <see cref="FashionMnistNormalization"/>.
    /// Pass <c>(0, 1)</c> for plain <c>pixel / 255</c>.
    /// </param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// A file is malformed, the image and label counts differ, there are no images, or a label has no class name.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The standard deviation is not positive, or a value is not finite.</exception>
    public static Dataset Load(
        string imagesPath,
        string labelsPath,
        string name,
        IReadOnlyList<string>? classNames = null,
        (float Mean, float Std)? normalization = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var (mean, std) = normalization ?? FashionMnistNormalization;
        if (!float.IsFinite(mean) || !float.IsFinite(std) || std <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(normalization), normalization, "The mean must be finite and the standard deviation finite and positive.");
        }

        IdxArray images = IdxFile.Read(imagesPath, 3);
        IdxArray labels = IdxFile.Read(labelsPath, 1);
        if (images.Count != labels.Count)
        {
            throw new InvalidDataException(
                $"{imagesPath} has {images.Count} images but {labelsPath} has {labels.Count} labels");
        }

        if (images.Count == 0)
        {
            throw new InvalidDataException($"{imagesPath}: contains no images");
        }

        int[] labelValues = new int[labels.Count];
        int maxLabel = 0;
        for (int i = 0; i < labelValues.Length; i++)
        {
            labelValues[i] = labels.Data[i];
            maxLabel = Math.Max(maxLabel, labelValues[i]);
        }

        int classCount = maxLabel + 1;
        if (classNames is not null)
        {
            if (maxLabel >= classNames.Count)
            {
                int index = Array.IndexOf(labelValues, maxLabel);
                throw new InvalidDataException(
                    $"{labelsPath}: label {maxLabel} at index {index} has no class name (only {classNames.Count} given)");
            }

            classCount = classNames.Count;
        }

        // Only 256 distinct pixel values exist, so a table replaces a divide and a multiply per pixel.
        Span<float> table = stackalloc float[256];
        for (int v = 0; v < table.Length; v++)
        {
            table[v] = (v / 255f - mean) / std;
        }

        byte[] pixels = images.Data;
        var features = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            features[i] = table[pixels[i]];
        }

        int[] shape = [1, images.Dimensions[1], images.Dimensions[2]];
        if (shape[1] == 0 || shape[2] == 0)
        {
            throw new InvalidDataException($"{imagesPath}: images of size {shape[1]}x{shape[2]} hold no pixels");
        }

        return new Dataset(name, features, shape, labelValues, classCount, classNames);
    }
}
