namespace Ensemble.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's semantics: g ← g + λ·p; b ← μ·b + (1−τ)·g (b = g on the
/// first step); g ← g + μ·b (Nesterov) or g ← b; p ← p − lr·g.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor?[] _momentumBuffers;

    /// <summary>Creates the optimizer.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double weightDecay = 0,
        bool nesterov = false, double dampening = 0) : base(parameters, learningRate)
    {
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "must be ≥ 0");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "must be ≥ 0");
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening 0", nameof(nesterov));
        }

        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Dampening = dampening;
        _momentumBuffers = new Tensor?[Parameters.Count];
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>λ (L2 penalty added to the gradient).</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the Nesterov form is used.</summary>
    public bool Nesterov { get; }

    /// <summary>τ.</summary>
    public double Dampening { get; }

    /// <inheritdoc/>
    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        var g = WeightDecay != 0 ? grad.Add(parameter, WeightDecay) : grad;
        if (Momentum != 0)
        {
            var buffer = _momentumBuffers[index];
            if (buffer is null)
            {
                buffer = _momentumBuffers[index] = Own(g.Clone());
            }
            else
            {
                buffer.MulInPlace(Momentum).AddInPlace(g, 1 - Dampening);
            }

            g = Nesterov ? g.Add(buffer, Momentum) : buffer;
        }

        parameter.AddInPlace(g, -LearningRate);
    }

    /// <inheritdoc/>
    protected override IEnumerable<KeyValuePair<string, Tensor>> NamedState()
    {
        for (var i = 0; i < _momentumBuffers.Length; i++)
        {
            if (_momentumBuffers[i] is { } b) yield return new($"momentum_buffer.{i}", b);
        }
    }

    /// <inheritdoc/>
    protected override void LoadNamedState(IReadOnlyDictionary<string, Tensor> state)
    {
        for (var i = 0; i < _momentumBuffers.Length; i++)
        {
            if (state.TryGetValue($"momentum_buffer.{i}", out var saved))
            {
                _momentumBuffers[i] ??= Own(Torch.Zeros(Parameters[i].Shape, Parameters[i].DType, Parameters[i].Device));
                _momentumBuffers[i]!.CopyInPlace(saved);
            }
        }
    }
}
