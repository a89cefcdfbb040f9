namespace Ensemble.Torch.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019), PyTorch's form:
/// p ← p·(1 − lr·λ); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// p ← p − (lr / (1−β₁ᵗ))·m / (√v / √(1−β₂ᵗ) + ε).
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly Tensor?[] _m;
    private readonly Tensor?[] _v;

    /// <summary>Creates the optimizer.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2) : base(parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in [0, 1)");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in [0, 1)");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "must be ≥ 0");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        _m = new Tensor?[Parameters.Count];
        _v = new Tensor?[Parameters.Count];
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ (decoupled).</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        var m = _m[index] ??= Own(Torch.Zeros(parameter.Shape, parameter.DType, parameter.Device));
        var v = _v[index] ??= Own(Torch.Zeros(parameter.Shape, parameter.DType, parameter.Device));
        parameter.MulInPlace(1 - LearningRate * WeightDecay);
        m.MulInPlace(Beta1).AddInPlace(grad, 1 - Beta1);
        v.MulInPlace(Beta2).AddCMulInPlace(grad, grad, 1 - Beta2);
        var biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        var biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);
        var denominator = v.Sqrt() / Math.Sqrt(biasCorrection2) + Eps;
        parameter.AddCDivInPlace(m, denominator, -LearningRate / biasCorrection1);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, Tensor>> NamedState()
    {
        for (var i = 0; i < _m.Length; i++)
        {
            if (_m[i] is { } m) yield return new($"exp_avg.{i}", m);
            if (_v[i] is { } v) yield return new($"exp_avg_sq.{i}", v);
        }
    }

    /// <inheritdoc/>
    protected override void LoadNamedState(IReadOnlyDictionary<string, Tensor> state)
    {
        for (var i = 0; i < _m.Length; i++)
        {
            var p = Parameters[i];
            if (state.TryGetValue($"exp_avg.{i}", out var m))
            {
                (_m[i] ??= Own(Torch.Zeros(p.Shape, p.DType, p.Device))).CopyInPlace(m);
            }

            if (state.TryGetValue($"exp_avg_sq.{i}", out var v))
            {
                (_v[i] ??= Own(Torch.Zeros(p.Shape, p.DType, p.Device))).CopyInPlace(v);
            }
        }
    }
}
