using Ensemble.Distillation.Specialists;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Specialists;

public sealed class SpecialistCombinerTests
{
    private static readonly ToleranceComparer s_close = new(1e-12);

    [Fact]
    public void NoActiveSpecialist_LeavesTheGeneralistExactly()
    {
        using var scope = NewDisposeScope();
        // Top-1 class is 0; the specialist covers {2, 3}, so it is inactive whatever it says.
        var pg = tensor(new[] { 0.5f, 0.3f, 0.15f, 0.05f }, [1, 4]);
        var specialist = new SpecialistPrediction([2, 3], Tensors.Matrix(new double[,] { { 0.98, 0.01, 0.01 } }));

        var q = SpecialistCombiner.Combine(pg, [specialist], topN: 1);
        var none = SpecialistCombiner.Combine(pg, [], topN: 2);

        Assert.Equal(ScalarType.Float32, q.dtype);
        Assert.Equal(pg.data<float>().ToArray(), q.data<float>().ToArray());
        Assert.Equal(pg.data<float>().ToArray(), none.data<float>().ToArray());
    }

    [Fact]
    public void AnAgreeingSpecialist_LeavesTheGeneralist()
    {
        using var scope = NewDisposeScope();
        // p_g restricted to S = {2, 3} is [0.3, 0.4]; its mass outside S is 0.1 + 0.2 = 0.3.
        var pg = Tensors.Matrix(new double[,] { { 0.1, 0.2, 0.3, 0.4 } });
        var q = SpecialistCombiner.Combine(pg, [new([2, 3], Tensors.Matrix(new double[,] { { 0.3, 0.4, 0.3 } }))], topN: 1);

        Assert.Equal([0.1, 0.2, 0.3, 0.4], Tensors.Rows(q)[0], s_close);
    }

    [Fact]
    public void AConfidentSpecialist_MovesMassOnlyAmongItsClasses()
    {
        using var scope = NewDisposeScope();
        // Dustbin 0.3 = p_g's mass outside S, so the optimum keeps q_0 = 0.1, q_1 = 0.2 and averages on S:
        // q_2 = (0.3 + 0.65)/2 = 0.475, q_3 = (0.4 + 0.05)/2 = 0.225 — the arg-max moves from 3 to 2.
        var pg = Tensors.Matrix(new double[,] { { 0.1, 0.2, 0.3, 0.4 } });
        var q = SpecialistCombiner.Combine(pg, [new([2, 3], Tensors.Matrix(new double[,] { { 0.65, 0.05, 0.3 } }))], topN: 1);

        Assert.Equal([0.1, 0.2, 0.475, 0.225], Tensors.Rows(q)[0], s_close);
    }

    [Fact]
    public void OneSpecialist_MatchesTheClosedFormMinimum()
    {
        using var scope = NewDisposeScope();
        // One specialist: q_i = (g_i + a_i)/2 on S, q_j = g_j (G + d)/2G off it, G = 0.3, d = 0.2:
        // q = [0.1·0.5/0.6, 0.2·0.5/0.6, (0.3 + 0.5)/2, (0.4 + 0.3)/2] = [1/12, 1/6, 0.4, 0.35].
        var pg = Tensors.Matrix(new double[,] { { 0.1, 0.2, 0.3, 0.4 } });
        SpecialistPrediction[] specialists = [new([2, 3], Tensors.Matrix(new double[,] { { 0.5, 0.3, 0.2 } }))];
        var q = SpecialistCombiner.Combine(pg, specialists, topN: 1);

        Assert.Equal([1.0 / 12, 1.0 / 6, 0.4, 0.35], Tensors.Rows(q)[0], s_close);
        // F(q) = KL(p_g ‖ q) + KL([0.5, 0.3, 0.2] ‖ [0.4, 0.35, 0.25]), with q's dustbin 1/12 + 1/6 = 0.25.
        var expected = (0.1 * Math.Log(0.1 * 12)) + (0.2 * Math.Log(0.2 * 6)) + (0.3 * Math.Log(0.3 / 0.4)) + (0.4 * Math.Log(0.4 / 0.35))
            + (0.5 * Math.Log(0.5 / 0.4)) + (0.3 * Math.Log(0.3 / 0.35)) + (0.2 * Math.Log(0.2 / 0.25));
        Assert.Equal(expected, SpecialistCombiner.Objective(pg, specialists, 1, q).data<double>().ToArray()[0], 12);
    }

    [Fact]
    public void ABatchWithDifferentActiveSets_MatchesAPerExampleReference()
    {
        using var scope = NewDisposeScope();
        var (pg, specialists) = RandomProblem(examples: 12, classes: 6, seed: 1, "0,1|1,2,3|4");

        var active = Tensors.Rows(SpecialistCombiner.ActiveSpecialists(pg, specialists, topN: 2));
        var q = Tensors.Rows(SpecialistCombiner.Combine(pg, specialists, topN: 2, iterations: 30));

        var g = Tensors.Rows(pg);
        var p = specialists.Select(s => Tensors.Rows(s.Distribution)).ToArray();
        var activeSets = new HashSet<string>();
        for (var n = 0; n < g.Length; n++)
        {
            var top2 = g[n].Select((v, i) => (v, i)).OrderByDescending(x => x.v).ThenBy(x => x.i).Take(2).Select(x => x.i).ToArray();
            var expectedActive = specialists.Select(s => s.Classes.Intersect(top2).Any() ? 1.0 : 0.0).ToArray();
            Assert.Equal(expectedActive, active[n]);
            activeSets.Add(string.Join("", expectedActive));

            var mine = Enumerable.Range(0, specialists.Length).Where(m => expectedActive[m] == 1)
                .Select(m => (specialists[m].Classes, p[m][n])).ToList();
            Assert.Equal(ReferenceEm(g[n], mine, 30), q[n], new ToleranceComparer(1e-12));
        }

        Assert.True(activeSets.Count >= 3, $"the batch should mix active sets, got {string.Join(" ", activeSets)}");
    }

    [Fact]
    public void ObjectiveNeverRises_AndTheResultIsADistribution()
    {
        using var scope = NewDisposeScope();
        var (pg, specialists) = RandomProblem(examples: 16, classes: 6, seed: 2, "0,1|1,2,3|4");

        var previous = Objective(pg, specialists, 3, SpecialistCombiner.Combine(pg, specialists, 3, iterations: 0));
        Assert.Equal(previous, Objective(pg, specialists, 3, pg));
        var fell = false;
        for (var iterations = 1; iterations <= 20; iterations++)
        {
            var q = SpecialistCombiner.Combine(pg, specialists, 3, iterations);
            foreach (var row in Tensors.Rows(q))
            {
                Assert.All(row, v => Assert.True(v >= 0));
                Assert.Equal(1.0, row.Sum(), 12);
            }

            var current = Objective(pg, specialists, 3, q);
            for (var n = 0; n < current.Length; n++)
            {
                Assert.True(current[n] <= previous[n] + 1e-13, $"example {n}: F rose from {previous[n]} to {current[n]} at iteration {iterations}");
                fell |= current[n] < previous[n] - 1e-6;
            }

            previous = current;
        }

        Assert.True(fell, "EM never lowered the objective");
    }

    [Theory]
    // Disjoint class sets, as ClassClusterer makes them: the default 50 iterations converge.
    [InlineData("0,1|2,3,4", 50)]
    [InlineData("0,1|2,3|4,5", 50)]
    // Overlapping sets: EM converges linearly and more slowly (rate ≈ 0.88 per iteration here), so give it more.
    [InlineData("0,1|1,2,3|4", 300)]
    public void Result_IsMinimal_AgainstFeasiblePerturbations_AndStationary(string sets, int iterations)
    {
        using var scope = NewDisposeScope();
        var (pg, specialists) = RandomProblem(examples: 10, classes: 6, seed: 3, sets);
        var q = SpecialistCombiner.Combine(pg, specialists, topN: 3, iterations);
        var best = Objective(pg, specialists, 3, q);
        var qRows = Tensors.Rows(q);
        var random = new Random(4);

        foreach (var step in new[] { 1e-4, 1e-3, 1e-2, 0.1 })
        {
            for (var trial = 0; trial < 20; trial++)
            {
                // (1 − t) q + t r for a random distribution r stays feasible.
                var perturbed = new double[qRows.Length, qRows[0].Length];
                for (var n = 0; n < qRows.Length; n++)
                {
                    var r = qRows[n].Select(_ => random.NextDouble()).ToArray();
                    var sum = r.Sum();
                    for (var i = 0; i < r.Length; i++) perturbed[n, i] = ((1 - step) * qRows[n][i]) + (step * r[i] / sum);
                }

                var other = Objective(pg, specialists, 3, Tensors.Matrix(perturbed));
                for (var n = 0; n < best.Length; n++) Assert.True(best[n] <= other[n] + 1e-12, $"example {n}: F(q) = {best[n]} > {other[n]} at step {step}");
            }
        }

        // Stationarity (KKT, all q_i > 0): ∂F/∂q_i = −(g_i + Σ_{active ∋ i} p_m,i)/q_i − Σ_{active ∌ i} p_m,d / (1 − Σ_{S_m} q)
        // equals the same multiplier −(1 + #active) for every class i.
        var g = Tensors.Rows(pg);
        var active = Tensors.Rows(SpecialistCombiner.ActiveSpecialists(pg, specialists, 3));
        var p = specialists.Select(s => Tensors.Rows(s.Distribution)).ToArray();
        for (var n = 0; n < g.Length; n++)
        {
            var count = active[n].Sum();
            for (var i = 0; i < g[n].Length; i++)
            {
                var gradient = -g[n][i] / qRows[n][i];
                for (var m = 0; m < specialists.Length; m++)
                {
                    if (active[n][m] == 0) continue;
                    var position = Array.IndexOf(specialists[m].Classes, i);
                    gradient -= position >= 0
                        ? p[m][n][position] / qRows[n][i]
                        : p[m][n][^1] / (1 - specialists[m].Classes.Sum(c => qRows[n][c]));
                }

                Assert.Equal(-(1 + count), gradient, 9);
            }
        }
    }

    [Fact]
    public void ADustbinOverClassesTheGeneralistRulesOut_IsLeftOut_AndQStaysFinite()
    {
        using var scope = NewDisposeScope();
        // p_g gives class 2 (the dustbin's only class) exactly 0, so EM cannot place the dustbin's 0.2 there:
        // counts [1 + 0.5, 0.3, 0] normalised → [5/6, 1/6, 0].
        var pg = tensor(new[] { 1f, 0f, 0f }, [1, 3]);
        var q = SpecialistCombiner.Combine(pg, [new([0, 1], Tensors.Matrix(new double[,] { { 0.5, 0.3, 0.2 } }))], topN: 1);

        Assert.Equal([5.0 / 6, 1.0 / 6, 0], Tensors.Rows(q)[0], new ToleranceComparer(1e-7));
    }

    [Fact]
    public void WrongShapes_AreNamed()
    {
        using var scope = NewDisposeScope();
        var pg = Tensors.Matrix(new double[,] { { 0.5, 0.5, 0 } });
        Assert.Equal("topN", Assert.Throws<ArgumentOutOfRangeException>(() => SpecialistCombiner.Combine(pg, [], 4)).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => SpecialistCombiner.Combine(pg, [], 1, -1)).ParamName);
        var wrongWidth = Assert.Throws<ArgumentException>(() => SpecialistCombiner.Combine(pg, [new([0, 1], Tensors.Matrix(new double[,] { { 1, 0 } }))], 1));
        Assert.Equal("specialists", wrongWidth.ParamName);
        Assert.Contains("[1, 3]", wrongWidth.Message);
        Assert.Equal("specialists[0].Classes", Assert.Throws<ArgumentException>(() => SpecialistCombiner.Combine(pg, [new([1, 0], Tensors.Matrix(new double[,] { { 1, 0, 0 } }))], 1)).ParamName);
        Assert.Equal("generalistProbabilities", Assert.Throws<ArgumentException>(() => SpecialistCombiner.Combine(ones(3), [], 1)).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => SpecialistCombiner.Objective(pg, [], 1, ones(1, 2))).ParamName);
    }

    private static double[] Objective(Tensor pg, SpecialistPrediction[] specialists, int topN, Tensor q) =>
        SpecialistCombiner.Objective(pg, specialists, topN, q).data<double>().ToArray();

    /// <summary>
    /// Random distributions (softmax of 2·N(0, 1) logits) for a generalist and specialists with the given class sets,
    /// written "0,1|2,3,4".
    /// </summary>
    private static (Tensor Generalist, SpecialistPrediction[] Specialists) RandomProblem(int examples, int classes, int seed, string sets)
    {
        var random = new Random(seed);
        Tensor Distributions(int width)
        {
            var rows = new double[examples, width];
            for (var n = 0; n < examples; n++)
            {
                var z = Enumerable.Range(0, width).Select(_ => 2 * Gaussian(random)).ToArray();
                var total = z.Sum(Math.Exp);
                for (var i = 0; i < width; i++) rows[n, i] = Math.Exp(z[i]) / total;
            }

            return Tensors.Matrix(rows);
        }

        return (Distributions(classes), sets.Split('|').Select(c => c.Split(',').Select(int.Parse).ToArray()).Select(s => new SpecialistPrediction(s, Distributions(s.Length + 1))).ToArray());
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>The EM iteration for one example, written out with loops: the reference for the batched tensor code.</summary>
    private static double[] ReferenceEm(double[] g, List<(int[] Classes, double[] P)> active, int iterations)
    {
        var q = (double[])g.Clone();
        for (var t = 0; t < iterations && active.Count > 0; t++)
        {
            var counts = (double[])g.Clone();
            foreach (var (classes, p) in active)
            {
                var rest = Enumerable.Range(0, q.Length).Where(i => !classes.Contains(i)).Sum(i => q[i]);
                for (var i = 0; i < q.Length; i++)
                {
                    var position = Array.IndexOf(classes, i);
                    counts[i] += position >= 0 ? p[position] : p[^1] * q[i] / rest;
                }
            }

            q = counts.Select(c => c / counts.Sum()).ToArray();
        }

        return q;
    }
}
