using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Specialists;

/// <summary>
/// Combines a generalist's and its specialists' predictions into one distribution per example (Hinton, Vinyals &amp;
/// Dean 2015, §5, eq. 5), for a whole batch at once.
/// </summary>
/// <remarks>
/// <para>
/// For one example with generalist distribution p_g: the active specialists are those whose classes S_m meet the
/// generalist's top-n classes (ties broken towards the lower class index). The combined distribution q minimises
/// F(q) = KL(p_g ‖ q) + Σ_{m active} KL(p_m ‖ q_m) over the simplex, where p_m is specialist m's distribution over S_m
/// plus its dustbin and q_m = (q_i for i ∈ S_m, 1 − Σ_{i∈S_m} q_i) is q seen through that specialist's eyes.
/// </para>
/// <para>
/// Up to constants, −F is the log-likelihood of q given fractional observations: p_g of a class, p_m,i of a class i in
/// S_m, and p_m,d of "some class outside S_m" — a censored observation. Expectation–maximisation solves it without a
/// step size and never increases F (Dempster, Laird &amp; Rubin 1977); F is convex in q, so its fixed points are the
/// minimum. Starting from q = p_g, each iteration does:
/// E-step: spread each active specialist's dustbin mass over the classes outside S_m in proportion to the current q,
/// share_i = Σ_{m active, i∉S_m} p_m,d · q_i / Σ_{j∉S_m} q_j;
/// M-step: q_i = (p_g,i + Σ_{m active, i∈S_m} p_m,i + share_i) / (1 + #active).
/// With one active specialist the first iteration already lands on the minimum, q_i = (p_g,i + p_m,i)/2 on S and
/// q_j = p_g,j (G + p_m,d) / 2G off it (G = Σ_{j∉S} p_g,j); with several active specialists each one's dustbin covers
/// the others' classes and it takes more. The batch is one set of
/// tensor operations: specialists are a membership matrix B (M×K) and an activity mask A (N×M), so each iteration is
/// two matrix products over N×K and N×M tensors. The arithmetic is float64.
/// </para>
/// <para>
/// EM converges linearly. For disjoint class sets — what <see cref="ClassClusterer"/> returns — the default 50 iterations
/// reach the minimum to about 1e-12 in the tests; overlapping sets converge more slowly (about 300 iterations for the
/// same precision in the tests), so pass more iterations for them. EM only rescales q, so a class to which p_g gives
/// exactly 0 (a float32 softmax can underflow) stays at 0, and a dustbin whose classes all have q = 0 has nowhere to put
/// its mass; it is then left out (the row is renormalised), which keeps q finite.
/// </para>
/// </remarks>
public static class SpecialistCombiner
{
    /// <summary>The combined distributions q, N×K, in the dtype of <paramref name="generalistProbabilities"/>.</summary>
    /// <param name="generalistProbabilities">p_g, N×K, each row a distribution.</param>
    /// <param name="specialists">Every specialist's predictions for the same N examples; which are active is decided per example.</param>
    /// <param name="topN">n: how many of the generalist's most probable classes decide which specialists are active (1..K).</param>
    /// <param name="iterations">EM iterations (≥ 0; 0 returns p_g).</param>
    /// <exception cref="ArgumentException">An argument is out of range or the shapes disagree; the exception names it.</exception>
    public static Tensor Combine(Tensor generalistProbabilities, IReadOnlyList<SpecialistPrediction> specialists, int topN, int iterations = 50)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var problem = Build(generalistProbabilities, specialists, topN);
        var q = problem.Generalist.clone();
        for (var iteration = 0; iteration < iterations && problem.Specialists.Count > 0; iteration++)
        {
            Tensor next;
            using (NewDisposeScope())
            {
                // E-step: each active specialist's dustbin mass, spread outside its classes in proportion to q.
                // The floor keeps share_i = d·q_i/R ≤ d finite (q_i ≤ R) when a dustbin's classes have no mass left.
                var restMass = q.matmul(problem.NotMember.t()).clamp_min(1e-300);
                var share = q * (problem.ActiveDustbin / restMass).matmul(problem.NotMember);
                // M-step: normalise the pooled counts (their sum is 1 + #active for normalised inputs).
                var counts = problem.Generalist + problem.ActiveSpecial + share;
                next = (counts / counts.sum(1, keepdim: true)).MoveToOuterDisposeScope();
            }

            q.Dispose();
            q = next;
        }

        return q.to(generalistProbabilities.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The objective F(q) = KL(p_g ‖ q) + Σ_{m active} KL(p_m ‖ q_m) of each example (N values, float64, 0 log 0 = 0), for
    /// checking a combination.
    /// </summary>
    /// <param name="generalistProbabilities">p_g, N×K.</param>
    /// <param name="specialists">The specialists, as for <see cref="Combine"/>.</param>
    /// <param name="topN">n, as for <see cref="Combine"/>.</param>
    /// <param name="q">The candidate distributions, N×K.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the shapes disagree.</exception>
    public static Tensor Objective(Tensor generalistProbabilities, IReadOnlyList<SpecialistPrediction> specialists, int topN, Tensor q)
    {
        ArgumentNullException.ThrowIfNull(q);
        if (!q.shape.SequenceEqual(generalistProbabilities.shape))
        {
            throw new ArgumentException($"q must have the generalist's shape [{string.Join(", ", generalistProbabilities.shape)}], got [{string.Join(", ", q.shape)}]", nameof(q));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var problem = Build(generalistProbabilities, specialists, topN);
        var candidate = q.detach().to(ScalarType.Float64, problem.Generalist.device);
        var total = Kl(problem.Generalist, candidate);
        for (var m = 0; m < problem.Specialists.Count; m++)
        {
            var (special, distribution) = problem.Specialists[m];
            var notMember = problem.NotMember.narrow(0, m, 1);
            var seen = cat([candidate.index_select(1, special), candidate.matmul(notMember.t())], 1);
            total = total + (problem.Active.narrow(1, m, 1).squeeze(1) * Kl(distribution, seen));
        }

        return total.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Which specialists are active for which example: N×M float64, 1 where specialist m's classes meet the generalist's
    /// top-<paramref name="topN"/> classes for that example, else 0.
    /// </summary>
    /// <param name="generalistProbabilities">p_g, N×K.</param>
    /// <param name="specialists">The specialists, as for <see cref="Combine"/>.</param>
    /// <param name="topN">n, as for <see cref="Combine"/>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the shapes disagree.</exception>
    public static Tensor ActiveSpecialists(Tensor generalistProbabilities, IReadOnlyList<SpecialistPrediction> specialists, int topN)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Build(generalistProbabilities, specialists, topN).Active.MoveToOuterDisposeScope();
    }

    /// <summary>KL(p ‖ q) = Σ_i p_i (log p_i − log q_i) per row, with 0 log 0 = 0.</summary>
    private static Tensor Kl(Tensor p, Tensor q)
    {
        var terms = where(p.gt(0), p * (p.log() - q.log()), tensor(0, ScalarType.Float64, p.device));
        return terms.sum(1);
    }

    /// <summary>1 on the top-n classes of each row (n rounds of arg-max, so ties go to the lower index), else 0.</summary>
    private static Tensor TopMask(Tensor probabilities, int n)
    {
        var k = probabilities.size(1);
        var mask = zeros(probabilities.shape, ScalarType.Float64, probabilities.device);
        var remaining = probabilities;
        var excluded = tensor(double.NegativeInfinity, ScalarType.Float64, probabilities.device);
        for (var t = 0; t < n; t++)
        {
            var chosen = nn.functional.one_hot(remaining.argmax(1), k).to(ScalarType.Float64);
            mask = mask + chosen;
            remaining = where(chosen.gt(0), excluded, remaining);
        }

        return mask;
    }

    /// <summary>Validates the arguments and lays the specialists out as float64 tensors on the generalist's device, owned by the caller's scope.</summary>
    private static Problem Build(Tensor generalistProbabilities, IReadOnlyList<SpecialistPrediction> specialists, int topN)
    {
        ArgumentNullException.ThrowIfNull(generalistProbabilities);
        ArgumentNullException.ThrowIfNull(specialists);
        if (generalistProbabilities.dim() != 2 || generalistProbabilities.size(1) < 2)
        {
            throw new ArgumentException($"expected N×K probabilities with K ≥ 2, got shape [{string.Join(", ", generalistProbabilities.shape)}]", nameof(generalistProbabilities));
        }

        var n = generalistProbabilities.size(0);
        var k = (int)generalistProbabilities.size(1);
        if (topN < 1 || topN > k) throw new ArgumentOutOfRangeException(nameof(topN), topN, $"must be in [1, {k}]");
        var device = generalistProbabilities.device;
        var generalist = generalistProbabilities.detach().to(ScalarType.Float64);
        var membership = new double[specialists.Count * k];
        var laidOut = new List<(Tensor Special, Tensor Distribution)>(specialists.Count);
        for (var m = 0; m < specialists.Count; m++)
        {
            var specialist = specialists[m] ?? throw new ArgumentException($"specialist {m} is null", nameof(specialists));
            ClassSets.Validate(specialist.Classes, $"{nameof(specialists)}[{m}].{nameof(SpecialistPrediction.Classes)}", k);
            var distribution = specialist.Distribution;
            if (distribution is null || !distribution.shape.SequenceEqual([n, specialist.Classes.Length + 1]))
            {
                throw new ArgumentException($"specialist {m} has {specialist.Classes.Length} classes, so its distribution must be [{n}, {specialist.Classes.Length + 1}], got [{string.Join(", ", distribution?.shape ?? [])}]", nameof(specialists));
            }

            foreach (var c in specialist.Classes) membership[(m * k) + c] = 1;
            laidOut.Add((tensor(Array.ConvertAll(specialist.Classes, c => (long)c), device: device),
                distribution.detach().to(ScalarType.Float64, device)));
        }

        var member = tensor(membership, [specialists.Count, k], device: device);
        var notMember = 1 - member;
        var active = TopMask(generalist, topN).matmul(member.t()).gt(0).to(ScalarType.Float64);
        var activeSpecial = zeros([n, k], ScalarType.Float64, device);
        var dustbins = new List<Tensor>(specialists.Count);
        for (var m = 0; m < laidOut.Count; m++)
        {
            var (_, distribution) = laidOut[m];
            var classes = specialists[m].Classes.Length;
            // Scatter the special columns into K-wide rows: distribution[:, :|S|] · E_m, E_m the |S|×K selection matrix.
            var spread = distribution.narrow(1, 0, classes).matmul(Selection(specialists[m].Classes, k, device));
            activeSpecial = activeSpecial + (active.narrow(1, m, 1) * spread);
            dustbins.Add(distribution.narrow(1, classes, 1));
        }

        var activeDustbin = dustbins.Count == 0 ? zeros([n, 0], ScalarType.Float64, device) : active * cat(dustbins, 1);
        return new Problem(generalist, notMember, active, activeSpecial, activeDustbin, laidOut);
    }

    /// <summary>E, |S|×K: row r is the one-hot vector of class classes[r].</summary>
    private static Tensor Selection(int[] classes, int k, Device device)
    {
        var values = new double[classes.Length * k];
        for (var r = 0; r < classes.Length; r++) values[(r * k) + classes[r]] = 1;
        return tensor(values, [classes.Length, k], device: device);
    }

    /// <summary>The combination problem as tensors: p_g (N×K), 1 − B (M×K), A (N×M), Σ_m A·p_m on S_m (N×K), A·p_m,d (N×M).</summary>
    private sealed record Problem(
        Tensor Generalist,
        Tensor NotMember,
        Tensor Active,
        Tensor ActiveSpecial,
        Tensor ActiveDustbin,
        IReadOnlyList<(Tensor Special, Tensor Distribution)> Specialists);
}
