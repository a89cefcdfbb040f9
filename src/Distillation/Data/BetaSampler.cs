namespace Ensemble.Distillation.Data;

/// <summary>Seeded draws from Beta(α, α), the mixing weights of mixup, built from two Gamma draws.</summary>
public static class BetaSampler
{
    /// <summary>
    /// λ ~ Beta(α, α) as X / (X + Y) with X, Y ~ Gamma(α, 1) independent. Gamma(a) for a ≥ 1 is Marsaglia &amp; Tsang's
    /// squeeze method (ACM TOMS 2000); for a &lt; 1, Gamma(a) = Gamma(a + 1)·U^(1/a) (the same paper, §6).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not a finite number &gt; 0.</exception>
    public static double Sample(Random random, double alpha)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(alpha > 0) || !double.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be a finite number > 0");
        var x = Gamma(random, alpha);
        var y = Gamma(random, alpha);
        // Both can underflow to 0 for tiny α; the distribution then sits on {0, 1} with equal mass.
        return x + y > 0 ? x / (x + y) : random.Next(2);
    }

    private static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                z = StandardNormal(random);
                v = 1 + c * z;
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (u < 1 - 0.0331 * z * z * z * z) return d * v;
            if (Math.Log(u) < 0.5 * z * z + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    // Box–Muller; 1 − U keeps the logarithm's argument in (0, 1].
    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
