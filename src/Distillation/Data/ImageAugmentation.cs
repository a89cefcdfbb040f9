namespace Ensemble.Distillation.Data;

/// <summary>
/// Seeded augmentation of a whole image dataset at once, so a view is a plain <see cref="Dataset"/> that can be
/// stored, reproduced on another machine from its seed, and shown to teachers and student alike.
/// </summary>
public static class ImageAugmentation
{
    /// <summary>The largest translation, in pixels, along each axis.</summary>
    public const int MaxShift = 2;

    /// <summary>
    /// A copy of <paramref name="dataset"/> with every image translated (and mirrored for <see cref="AugmentationKind.ShiftFlip"/>)
    /// by amounts drawn from <paramref name="seed"/>; uncovered pixels take the dataset's smallest value (its background).
    /// </summary>
    /// <exception cref="ArgumentException">The dataset's examples are not images (channels × height × width).</exception>
    public static Dataset Apply(Dataset dataset, AugmentationKind kind, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (kind == AugmentationKind.None) return dataset;
        var shape = dataset.ExampleShape;
        if (shape.Length != 3)
        {
            throw new ArgumentException(
                $"Augmentation '{kind}' needs images (channels × height × width); {dataset.Name} has examples of shape [{string.Join(", ", shape)}].",
                nameof(dataset));
        }

        var (channels, height, width) = (shape[0], shape[1], shape[2]);
        var random = new Random(seed);
        var moves = new (int Dx, int Dy, bool Flip)[dataset.Count];
        for (var i = 0; i < moves.Length; i++)
        {
            moves[i] = (random.Next(-MaxShift, MaxShift + 1), random.Next(-MaxShift, MaxShift + 1),
                kind == AugmentationKind.ShiftFlip && random.Next(2) == 1);
        }

        var source = dataset.Features;
        var background = source.Length == 0 ? 0f : source.Min();
        var result = new float[source.Length];
        var size = channels * height * width;
        Parallel.For(0, dataset.Count, i =>
        {
            var (dx, dy, flip) = moves[i];
            var from = source.AsSpan(i * size, size);
            var to = result.AsSpan(i * size, size);
            for (var c = 0; c < channels; c++)
            for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var sy = y - dy;
                var sx = x - dx;
                if (flip) sx = width - 1 - sx;
                to[(c * height + y) * width + x] = sy >= 0 && sy < height && sx >= 0 && sx < width
                    ? from[(c * height + sy) * width + sx]
                    : background;
            }
        });

        return new Dataset($"{dataset.Name}+{kind.ToString().ToLowerInvariant()}{seed}", result, shape, dataset.Labels,
            dataset.ClassCount, dataset.ClassNames);
    }
}
