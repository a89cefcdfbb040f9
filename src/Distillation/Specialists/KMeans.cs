namespace Ensemble.Distillation.Specialists;

/// <summary>Lloyd's k-means with k-means++ seeding (Arthur &amp; Vassilvitskii 2007), on a few points in managed doubles.</summary>
internal static class KMeans
{
    /// <summary>
    /// The cluster (0..k−1) of each point. Seeding draws from <paramref name="random"/>; Lloyd iterations run until
    /// no assignment changes or <paramref name="maxIterations"/> is reached. Ties go to the lower cluster index, and a
    /// cluster that empties keeps its previous centre, so the result depends only on the points and the generator.
    /// </summary>
    public static int[] Assign(IReadOnlyList<double[]> points, int k, Random random, int maxIterations = 100)
    {
        var n = points.Count;
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"need 1 ≤ k ≤ {n} points");
        var centres = SeedPlusPlus(points, k, random);
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < n; i++)
            {
                var nearest = Nearest(points[i], centres);
                if (nearest != assignment[i])
                {
                    assignment[i] = nearest;
                    changed = true;
                }
            }

            if (!changed) break;
            for (var c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, n).Where(i => assignment[i] == c).ToList();
                if (members.Count == 0) continue;
                var centre = new double[points[0].Length];
                foreach (var i in members)
                {
                    for (var d = 0; d < centre.Length; d++) centre[d] += points[i][d] / members.Count;
                }

                centres[c] = centre;
            }
        }

        return assignment;
    }

    /// <summary>k-means++: the first centre uniformly, each next one with probability ∝ squared distance to the nearest chosen centre.</summary>
    private static double[][] SeedPlusPlus(IReadOnlyList<double[]> points, int k, Random random)
    {
        var n = points.Count;
        var chosen = new List<int> { random.Next(n) };
        var distance = new double[n];
        while (chosen.Count < k)
        {
            double total = 0;
            for (var i = 0; i < n; i++)
            {
                distance[i] = chosen.Min(c => SquaredDistance(points[i], points[c]));
                total += distance[i];
            }

            int next;
            if (total > 0)
            {
                var target = random.NextDouble() * total;
                next = -1;
                for (var i = 0; i < n && next < 0; i++)
                {
                    target -= distance[i];
                    if (target < 0 && distance[i] > 0) next = i;
                }

                // Rounding can leave target ≥ 0 after the last point: take the last point with positive distance.
                if (next < 0) next = Array.FindLastIndex(distance, d => d > 0);
            }
            else
            {
                // Every point coincides with a chosen centre: take the first not yet chosen.
                next = Enumerable.Range(0, n).First(i => !chosen.Contains(i));
            }

            chosen.Add(next);
        }

        return chosen.Select(i => (double[])points[i].Clone()).ToArray();
    }

    private static int Nearest(double[] point, double[][] centres)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < centres.Length; c++)
        {
            var d = SquaredDistance(point, centres[c]);
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }

        return best;
    }

    private static double SquaredDistance(double[] a, double[] b)
    {
        double sum = 0;
        for (var d = 0; d < a.Length; d++) sum += (a[d] - b[d]) * (a[d] - b[d]);
        return sum;
    }
}
