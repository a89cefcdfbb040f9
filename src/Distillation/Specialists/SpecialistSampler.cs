namespace Ensemble.Distillation.Specialists;

/// <summary>
/// Draws a specialist's training set enriched for its classes (Hinton et al. 2015, §5.1): half the examples from the
/// special classes, half from the rest of the data.
/// </summary>
public static class SpecialistSampler
{
    /// <summary>
    /// Half the examples from <paramref name="classes"/>, half from the other classes, shuffled; the same arguments always
    /// give the same sample (System.Random with the seed, which is stable across .NET versions).
    /// </summary>
    /// <param name="labels">The natural training set's labels.</param>
    /// <param name="classes">The specialist's classes, sorted ascending.</param>
    /// <param name="seed">Seeds which rest examples are drawn and the order.</param>
    /// <param name="size">
    /// Null: every special example (m of them) and m rest examples drawn without replacement — or every rest example when
    /// there are fewer than m. Otherwise the sample's size: ⌈size/2⌉ special examples (drawn without replacement; when that
    /// is more than m, every special example is repeated ⌊·/m⌋ times and the remainder drawn without replacement) and
    /// ⌊size/2⌋ rest examples drawn without replacement.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The classes are empty or unsorted, no example has one of them, every example has one of them, or
    /// <paramref name="size"/> asks for more rest examples than there are.
    /// </exception>
    public static SpecialistSample Sample(int[] labels, int[] classes, int seed, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ClassSets.Validate(classes, nameof(classes));
        var special = new List<int>();
        var rest = new List<int>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0) throw new ArgumentException($"label {labels[i]} of example {i} is negative", nameof(labels));
            (Array.BinarySearch(classes, labels[i]) >= 0 ? special : rest).Add(i);
        }

        if (special.Count == 0) throw new ArgumentException($"no example has one of the classes {ClassSets.Format(classes)}", nameof(labels));
        if (rest.Count == 0) throw new ArgumentException($"every example has one of the classes {ClassSets.Format(classes)}: there is nothing for the dustbin", nameof(classes));

        int specialCount, restCount;
        if (size is { } total)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(total, 2, nameof(size));
            (specialCount, restCount) = (total - (total / 2), total / 2);
            if (restCount > rest.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(size), total, $"half of the sample is {restCount} rest examples, but only {rest.Count} examples lie outside {ClassSets.Format(classes)}");
            }
        }
        else
        {
            (specialCount, restCount) = (special.Count, Math.Min(special.Count, rest.Count));
        }

        var random = new Random(seed);
        var indices = new List<int>(specialCount + restCount);
        for (var left = specialCount; left > 0; left -= special.Count)
        {
            indices.AddRange(Draw(special, Math.Min(left, special.Count), random));
        }

        indices.AddRange(Draw(rest, restCount, random));
        var sample = indices.ToArray();
        Shuffle(sample, random);

        var pi = (double)special.Count / labels.Length;
        var ratio = (1 - pi) / pi * specialCount / restCount;
        return new SpecialistSample(sample, pi, ratio);
    }

    /// <summary><paramref name="count"/> of <paramref name="items"/> without replacement: the head of a partial Fisher–Yates shuffle.</summary>
    private static int[] Draw(List<int> items, int count, Random random)
    {
        var pool = items.ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = i + random.Next(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return pool[..count];
    }

    /// <summary>Fisher–Yates.</summary>
    private static void Shuffle(int[] items, Random random)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
