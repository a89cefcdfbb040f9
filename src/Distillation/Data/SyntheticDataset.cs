namespace Ensemble.Distillation.Data;

/// <summary>
/// Generates seeded Gaussian-cluster datasets with groups of confusable classes, for fast tests of
/// ensembles and of specialists built from confusion matrices.
/// </summary>
/// <remarks>
/// Group centres are the vertices of a regular simplex with edge <see cref="SyntheticDatasetOptions.GroupSeparation"/>;
/// each group's class centres are a regular simplex with edge <see cref="SyntheticDatasetOptions.ClassSeparation"/>
/// around its group centre, in directions orthogonal to every other simplex. Within a group, classes are therefore
/// exactly <c>ClassSeparation</c> apart; across groups, <c>sqrt(GroupSeparation² + r₁² + r₂²)</c> apart, where r is
/// the distance of a class centre from its group centre (<c>ClassSeparation × sqrt((k − 1) / 2k)</c> for a group of k),
/// so always at least <c>GroupSeparation</c> and less than <c>sqrt(GroupSeparation² + ClassSeparation²)</c>.
/// Each example is its class centre plus independent Gaussian noise of standard deviation
/// <see cref="SyntheticDatasetOptions.Noise"/> per feature. With the defaults (6, 1.5, 1) a two-class pair inside a
/// group overlaps enough for a Bayes error near 23%, while groups are almost never confused.
/// </remarks>
public static class SyntheticDataset
{
    /// <summary>Generates the training and test sets the options describe.</summary>
    /// <param name="options">The settings; validated first.</param>
    /// <returns>
    /// Two datasets with example shape <c>[Features]</c> and <c>ClassCount</c> classes, each shuffled, with exactly
    /// <c>TrainPerClass</c> and <c>TestPerClass</c> examples of each class.
    /// </returns>
    /// <exception cref="ArgumentException">An option is out of range; the exception names it.</exception>
    public static (Dataset Train, Dataset Test) Generate(SyntheticDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var random = new Random(options.Seed);
        double[][] centres = ClassCentres(options, random);
        string[] classNames = Enumerable.Range(0, options.ClassCount)
            .Select(c => $"g{options.GroupOfClass(c)}.c{c}")
            .ToArray();

        Dataset train = Sample(centres, options.TrainPerClass, options, random, "synthetic/train", classNames);
        Dataset test = Sample(centres, options.TestPerClass, options, random, "synthetic/test", classNames);
        return (train, test);
    }

    /// <summary>The class centres the options and seed produce, one array of <c>Features</c> values per class.</summary>
    /// <param name="options">The settings; validated first.</param>
    public static double[][] ClassCentres(SyntheticDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return ClassCentres(options, new Random(options.Seed));
    }

    private static double[][] ClassCentres(SyntheticDatasetOptions options, Random random)
    {
        int groups = options.GroupSizes.Length;
        int classes = options.ClassCount;
        int dims = options.Features;

        // ClassCount − 1 orthonormal directions: groups − 1 for the group simplex, size − 1 for each class simplex.
        double[][] basis = OrthonormalDirections(classes - 1, dims, random);
        int nextDirection = 0;

        var groupCentres = new double[groups][];
        double[][] groupSimplex = RegularSimplex(groups, options.GroupSeparation);
        for (int g = 0; g < groups; g++)
        {
            groupCentres[g] = Embed(groupSimplex[g], basis, nextDirection, dims);
        }

        nextDirection += groups - 1;

        var centres = new double[classes][];
        int c = 0;
        for (int g = 0; g < groups; g++)
        {
            int size = options.GroupSizes[g];
            double[][] classSimplex = RegularSimplex(size, options.ClassSeparation);
            for (int k = 0; k < size; k++, c++)
            {
                double[] offset = Embed(classSimplex[k], basis, nextDirection, dims);
                centres[c] = new double[dims];
                for (int d = 0; d < dims; d++)
                {
                    centres[c][d] = groupCentres[g][d] + offset[d];
                }
            }

            nextDirection += size - 1;
        }

        return centres;
    }

    /// <summary>
    /// The k vertices of a regular simplex with the given edge, centred on the origin, in k − 1 coordinates.
    /// </summary>
    /// <remarks>
    /// Uses the Helmert basis of the subspace orthogonal to (1, …, 1): the unit vectors e_i, projected onto it,
    /// are √2 apart, so scaling by edge/√2 gives the requested edge.
    /// </remarks>
    private static double[][] RegularSimplex(int k, double edge)
    {
        var vertices = new double[k][];
        double scale = edge / Math.Sqrt(2);
        for (int i = 0; i < k; i++)
        {
            vertices[i] = new double[k - 1];
            for (int j = 1; j < k; j++)
            {
                // Helmert row j: 1 for the first j entries, −j at entry j, 0 after; divided by sqrt(j(j+1)).
                double value = i < j ? 1 : i == j ? -j : 0;
                vertices[i][j - 1] = scale * value / Math.Sqrt(j * (j + 1.0));
            }
        }

        return vertices;
    }

    private static double[] Embed(double[] coordinates, double[][] basis, int firstDirection, int dims)
    {
        var point = new double[dims];
        for (int j = 0; j < coordinates.Length; j++)
        {
            double[] direction = basis[firstDirection + j];
            for (int d = 0; d < dims; d++)
            {
                point[d] += coordinates[j] * direction[d];
            }
        }

        return point;
    }

    /// <summary>Random orthonormal vectors: Gaussian draws made orthonormal by modified Gram–Schmidt.</summary>
    private static double[][] OrthonormalDirections(int count, int dims, Random random)
    {
        var basis = new double[count][];
        for (int i = 0; i < count; i++)
        {
            double[] v;
            double norm;
            do
            {
                v = new double[dims];
                for (int d = 0; d < dims; d++)
                {
                    v[d] = NextGaussian(random);
                }

                for (int j = 0; j < i; j++)
                {
                    double dot = Dot(v, basis[j]);
                    for (int d = 0; d < dims; d++)
                    {
                        v[d] -= dot * basis[j][d];
                    }
                }

                norm = Math.Sqrt(Dot(v, v));
            }
            while (norm < 1e-6); // A draw almost inside the span so far: vanishingly rare, so draw again.

            for (int d = 0; d < dims; d++)
            {
                v[d] /= norm;
            }

            basis[i] = v;
        }

        return basis;
    }

    private static Dataset Sample(
        double[][] centres, int perClass, SyntheticDatasetOptions options, Random random, string name, string[] classNames)
    {
        int classes = centres.Length;
        int dims = options.Features;
        int count = classes * perClass;

        // Shuffle which class each row gets, so a prefix of the dataset holds every class in proportion.
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i / perClass;
        }

        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (labels[i], labels[j]) = (labels[j], labels[i]);
        }

        var features = new float[(long)count * dims];
        for (int i = 0; i < count; i++)
        {
            double[] centre = centres[labels[i]];
            Span<float> row = features.AsSpan(i * dims, dims);
            for (int d = 0; d < dims; d++)
            {
                row[d] = (float)(centre[d] + options.Noise * NextGaussian(random));
            }
        }

        return new Dataset(name, features, [dims], labels, classes, classNames);
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>A standard normal draw by the Box–Muller transform (one of the pair, for simplicity).</summary>
    private static double NextGaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(); // in (0, 1], so the logarithm is finite
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
