using Ensemble.Distillation.Losses;
using TorchSharp;
using static TorchSharp.torch;
using static Ensemble.Distillation.Tests.Losses.TestTensors;

namespace Ensemble.Distillation.Tests.Losses;

public sealed class DistillationLossTests
{
    // The hand-computed case. Logits are logs (times the temperature), so every softmax is a row of fractions:
    //   teacher at T: p = [1/2, 1/4, 1/4], [1/4, 1/4, 1/2]     (logits T·ln[2, 1, 1], T·ln[1, 1, 2])
    //   student at T: q = [1/4, 1/2, 1/4], [3/5, 1/5, 1/5]     (logits T·ln[1, 2, 1], T·ln[3, 1, 1])
    //   KL(p1 ‖ q1) = ½ln2 + ¼ln(1/2) + ¼ln1                  = ¼ ln 2
    //   KL(p2 ‖ q2) = ¼ln(5/12) + ¼ln(5/4) + ½ln(5/2)         = ln5 − ¼ln3 − (3/2)ln2
    //   batchmean KL = (ln5 − ¼ln3 − (5/4)ln2) / 2             ≈ 0.234175
    private static readonly double[][] TeacherRatios = [[2, 1, 1], [1, 1, 2]];
    private static readonly double[][] StudentRatios = [[1, 2, 1], [3, 1, 1]];
    private static readonly double Kl = (Math.Log(5) - Math.Log(3) / 4 - 1.25 * Math.Log(2)) / 2;

    // Labels y = [1, 0]. Cross-entropy on the raw student logits:
    //   logits ln[..] (softmax q above):   (−ln ½ − ln ⅗)/2          = (ln 2 + ln(5/3))/2    ≈ 0.601986
    //   logits 2·ln[..] (softmax ∝ [1,4,1], [9,1,1]): (ln(6/4) + ln(11/9))/2               ≈ 0.303068
    private static readonly double CeAtScale1 = (Math.Log(2) + Math.Log(5.0 / 3)) / 2;
    private static readonly double CeAtScale2 = (Math.Log(1.5) + Math.Log(11.0 / 9)) / 2;

    private static double Hinton(double teacherScale, double studentScale, bool labelled, KnowledgeDistillationOptions options)
    {
        using var scope = NewDisposeScope();
        return DistillationLoss.Hinton(
            LogOf(StudentRatios, studentScale), LogOf(TeacherRatios, teacherScale), labelled ? Labels(1, 0) : null, options).item<double>();
    }

    [Fact]
    public void Hinton_TemperatureOne_WithLabels_IsAlphaCePlusOneMinusAlphaKl()
    {
        // 0.1·0.601986 + 0.9·0.234175 ≈ 0.270957
        Assert.Equal(0.1 * CeAtScale1 + 0.9 * Kl, Hinton(1, 1, true, new() { Temperature = 1 }), 12);
        Assert.Equal(0.2709565292715104, Hinton(1, 1, true, new() { Temperature = 1 }), 12);
    }

    [Fact]
    public void Hinton_TemperatureTwo_WithLabels_ScalesTheSoftTermByFour()
    {
        // Logits 2·ln[..] at T = 2 give the same p and q, so KL is unchanged; the soft term is T²·KL = 4·KL and
        // the CE sees the raw logits 2·ln[..]: 0.1·0.303068 + 0.9·4·0.234175 ≈ 0.873338
        Assert.Equal(0.1 * CeAtScale2 + 0.9 * 4 * Kl, Hinton(2, 2, true, new() { Temperature = 2 }), 12);
        Assert.Equal(0.8733383463993702, Hinton(2, 2, true, new() { Temperature = 2 }), 12);
    }

    [Fact]
    public void Hinton_WithoutLabels_IsTSquaredKlWithFullWeight()
    {
        // The hard term drops and α no longer matters: T²·KL.
        Assert.Equal(Kl, Hinton(1, 1, false, new() { Temperature = 1, Alpha = 0.7 }), 12);
        Assert.Equal(4 * Kl, Hinton(2, 2, false, new() { Temperature = 2 }), 12);
        Assert.Equal(0.9367017291342823, Hinton(2, 2, false, new() { Temperature = 2, Alpha = 0.5 }), 12);
    }

    [Fact]
    public void Hinton_SeparateStudentTemperature_UsesEachTemperatureAndScalesByTheStudents()
    {
        // Teacher 2·ln[..] at T_t = 2, student ln[..] at T_s = 1: same p and q; soft = 1²·KL, CE on ln[..].
        Assert.Equal(0.1 * CeAtScale1 + 0.9 * Kl, Hinton(2, 1, true, new() { Temperature = 2, StudentTemperature = 1 }), 12);
        // Teacher ln[..] at T_t = 1, student 2·ln[..] at T_s = 2: soft = 2²·KL, CE on 2·ln[..].
        Assert.Equal(0.1 * CeAtScale2 + 0.9 * 4 * Kl, Hinton(1, 2, true, new() { Temperature = 1, StudentTemperature = 2 }), 12);
        // Without the separate temperature the second case is a different (wrong) pairing, so the test can fail.
        Assert.NotEqual(0.1 * CeAtScale2 + 0.9 * 4 * Kl, Hinton(1, 2, true, new() { Temperature = 1 }), 6);
    }

    [Fact]
    public void Hinton_AlphaOne_IsCrossEntropyAlone()
    {
        Assert.Equal(CeAtScale1, Hinton(1, 1, true, new() { Temperature = 1, Alpha = 1 }), 12);
    }

    [Fact]
    public void Hinton_SoftTermGradient_IsTTimesQMinusPOverN()
    {
        // ∂/∂z_s of T²·(1/N)·Σ KL(p ‖ softmax(z_s/T)) = T²·(q − p)/(T·N) = T·(q − p)/N.
        // Hand case at T = 2, N = 2: T/N = 1, so the gradient is q − p:
        //   row 1: [1/4 − 1/2, 1/2 − 1/4, 1/4 − 1/4] = [−0.25, 0.25, 0]
        //   row 2: [3/5 − 1/4, 1/5 − 1/4, 1/5 − 1/2] = [0.35, −0.05, −0.3]
        var options = new KnowledgeDistillationOptions { Temperature = 2 };
        var student = StudentRatios.SelectMany(r => r.Select(v => 2 * Math.Log(v))).ToArray();
        var gradient = GradientCheck.Autograd(z => DistillationLoss.Hinton(z, LogOf(TeacherRatios, 2), null, options), student, [2, 3]);
        GradientCheck.AssertClose([-0.25, 0.25, 0, 0.35, -0.05, -0.3], gradient, 1e-12);
    }

    [Fact]
    public void Hinton_SoftTermGradient_MatchesTheFormulaOnRandomLogits()
    {
        // N = 4, K = 5, T_t = 3, T_s = 2: gradient = T_s²·(q − p)/(T_s·N), p = softmax(z_t/3), q = softmax(z_s/2).
        const int n = 4, k = 5;
        var zs = GradientCheck.Sample(n * k, 1, 2);
        var zt = GradientCheck.Sample(n * k, 2, 2);
        var options = new KnowledgeDistillationOptions { Temperature = 3, StudentTemperature = 2 };
        var gradient = GradientCheck.Autograd(
            z => DistillationLoss.Hinton(z, Float64(zt, [n, k]), null, options), zs, [n, k]);
        var p = SoftmaxRows(zt, k, 3);
        var q = SoftmaxRows(zs, k, 2);
        GradientCheck.AssertClose(q.Select((qi, i) => 2.0 * 2.0 * (qi - p[i]) / (2.0 * n)).ToArray(), gradient, 1e-12);
    }

    private static double[] SoftmaxRows(double[] z, int k, double temperature)
    {
        var result = new double[z.Length];
        for (var row = 0; row < z.Length / k; row++)
        {
            var e = z.Skip(row * k).Take(k).Select(v => Math.Exp(v / temperature)).ToArray();
            for (var c = 0; c < k; c++) result[row * k + c] = e[c] / e.Sum();
        }

        return result;
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Hinton_GradientWithRespectToStudentLogits_MatchesFiniteDifferences(bool standardize, bool labelled)
    {
        const int n = 3, k = 4;
        var zs = GradientCheck.Sample(n * k, 3, 2);
        var zt = GradientCheck.Sample(n * k, 4, 2);
        var options = new KnowledgeDistillationOptions { Temperature = 2.5, StudentTemperature = 1.5, Alpha = 0.3, Standardize = standardize };
        GradientCheck.Check(
            z => DistillationLoss.Hinton(z, Float64(zt, [n, k]), labelled ? Labels(0, 3, 1) : null, options),
            zs, [n, k]);
    }

    [Fact]
    public void Hinton_TeacherLogits_ReceiveNoGradient()
    {
        using var scope = NewDisposeScope();
        var teacher = LogOf(TeacherRatios);
        teacher.requires_grad = true;
        var student = LogOf(StudentRatios);
        student.requires_grad = true;
        DistillationLoss.Hinton(student, teacher, Labels(1, 0), new()).backward();
        Assert.Null(teacher.grad);
        Assert.NotNull(student.grad);
    }

    [Fact]
    public void Hinton_Standardized_IsInvariantToTeacherScaleAndShift_AndUnstandardizedIsNot()
    {
        // Standardization maps a·z_t + b (a > 0) to the same z-score as z_t (up to ε), so the loss cannot change.
        using var scope = NewDisposeScope();
        var student = Float64(GradientCheck.Sample(12, 5, 2), [3, 4]);
        var teacher = Float64(GradientCheck.Sample(12, 6, 2), [3, 4]);
        var moved = teacher * 3.0 - 5.0;
        var labels = Labels(2, 0, 1);
        var standardized = new KnowledgeDistillationOptions { Temperature = 2, Standardize = true };
        var plain = standardized with { Standardize = false };

        var before = DistillationLoss.Hinton(student, teacher, labels, standardized).item<double>();
        var after = DistillationLoss.Hinton(student, moved, labels, standardized).item<double>();
        Assert.Equal(before, after, 6);

        var plainBefore = DistillationLoss.Hinton(student, teacher, labels, plain).item<double>();
        var plainAfter = DistillationLoss.Hinton(student, moved, labels, plain).item<double>();
        Assert.True(Math.Abs(plainBefore - plainAfter) > 0.05, $"without standardization the loss moved only {plainBefore} → {plainAfter}");
    }

    [Fact]
    public void Hinton_DoesNotLeakTensors()
    {
        using var student = LogOf(StudentRatios);
        using var teacher = LogOf(TeacherRatios);
        using var labels = Labels(1, 0);
        var before = SettledLiveTensors();
        using (var loss = DistillationLoss.Hinton(student, teacher, labels, new() { Standardize = true }))
        {
            Assert.Equal(before + 1, Tensor.TotalCount);
        }

        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void Hinton_ShapeMismatch_NamesBothShapes()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() =>
            DistillationLoss.Hinton(zeros(2, 3), zeros(2, 4), null, new()));
        Assert.Equal("teacherLogits", error.ParamName);
        Assert.Contains("[2, 4]", error.Message);
        Assert.Contains("[2, 3]", error.Message);

        var labels = Assert.Throws<ArgumentException>(() =>
            DistillationLoss.Hinton(zeros(2, 3), zeros(2, 3), Labels(0, 1, 2), new()));
        Assert.Equal("labels", labels.ParamName);
        Assert.Contains("[3]", labels.Message);
        Assert.Contains("[2, 3]", labels.Message);
    }

    [Theory]
    [InlineData(0, null, 0.1, "Temperature")]
    [InlineData(-1, null, 0.1, "Temperature")]
    [InlineData(4, 0.0, 0.1, "StudentTemperature")]
    [InlineData(4, null, -0.1, "Alpha")]
    [InlineData(4, null, 1.5, "Alpha")]
    public void Hinton_BadOptions_NameTheOption(double temperature, double? studentTemperature, double alpha, string name)
    {
        using var scope = NewDisposeScope();
        var options = new KnowledgeDistillationOptions { Temperature = temperature, StudentTemperature = studentTemperature, Alpha = alpha };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            DistillationLoss.Hinton(zeros(2, 3), zeros(2, 3), null, options));
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void SoftCrossEntropy_IsMeanOfMinusSumPLogSoftmax()
    {
        // Logits ln[1, 2, 1] and ln[3, 1, 1] → softmax [1/4, 1/2, 1/4] and [3/5, 1/5, 1/5].
        // Targets [1/2, 1/4, 1/4] and [0, 0, 1]:
        //   row 1: −(½ln¼ + ¼ln½ + ¼ln¼) = ½ln4 + ¼ln2 + ¼ln4 = (7/4)ln2
        //   row 2: −ln(1/5) = ln5
        //   mean = ((7/4)ln2 + ln5)/2 ≈ 1.411223
        using var scope = NewDisposeScope();
        var loss = DistillationLoss.SoftCrossEntropy(LogOf(StudentRatios), Matrix([[0.5, 0.25, 0.25], [0, 0, 1]]));
        Assert.Equal((1.75 * Math.Log(2) + Math.Log(5)) / 2, loss.item<double>(), 12);
    }

    [Fact]
    public void SoftCrossEntropy_OneHotTargets_EqualsCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var logits = Float64(GradientCheck.Sample(12, 7, 2), [4, 3]);
        var labels = Labels(2, 0, 1, 1);
        Assert.Equal(nn.functional.cross_entropy(logits, labels).item<double>(),
            DistillationLoss.SoftCrossEntropy(logits, nn.functional.one_hot(labels, 3).to(ScalarType.Float64)).item<double>(), 12);
    }

    [Fact]
    public void SoftCrossEntropy_GradientMatchesFiniteDifferences()
    {
        var targets = new double[][] { [0.2, 0.5, 0.3], [0.6, 0.1, 0.3] };
        GradientCheck.Check(z => DistillationLoss.SoftCrossEntropy(z, Matrix(targets)), GradientCheck.Sample(6, 8, 2), [2, 3]);
    }

    [Fact]
    public void SoftCrossEntropy_ShapeMismatch_NamesBothShapes()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => DistillationLoss.SoftCrossEntropy(zeros(2, 3), zeros(3, 3)));
        Assert.Contains("[3, 3]", error.Message);
        Assert.Contains("[2, 3]", error.Message);
    }
}
