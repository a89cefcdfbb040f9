namespace Ensemble.Torch.Optim;

/// <summary>
/// Updates parameters from their gradients. State (momentum buffers, moment estimates, step count) is
/// exposed as named tensors so that a checkpoint can store it and a resumed run continues exactly.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<Tensor> _state = [];
    private Tensor? _stepTensor;

    /// <summary>Takes the parameters to update, in a fixed order (state names use their positions).</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("no parameters to optimise", nameof(parameters));
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate of the next step (a schedule sets it before each step).</summary>
    public double LearningRate
    {
        get;
        set => field = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "must be finite and ≥ 0");
    }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update from the current gradients; parameters without a gradient are skipped.</summary>
    public void Step()
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        StepCount++;
        for (var i = 0; i < Parameters.Count; i++)
        {
            var grad = Parameters[i].Grad;
            if (grad is not null) Update(i, Parameters[i], grad);
        }
    }

    /// <summary>Zeroes every parameter's gradient in place (or drops them when <paramref name="setToNone"/>).</summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var p in Parameters) p.ZeroGrad(setToNone);
    }

    /// <summary>Updates parameter <paramref name="index"/> in place (no grad mode, inside a dispose scope).</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor grad);

    /// <summary>The optimizer's state by name, including the step count as <c>step</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        _stepTensor?.Dispose();
        _stepTensor = Torch.Scalar(StepCount, ScalarType.Int64).DetachFromDisposeScope();
        return new Dictionary<string, Tensor>(NamedState()) { ["step"] = _stepTensor };
    }

    /// <summary>Restores state saved by <see cref="StateDict"/>.</summary>
    /// <exception cref="ArgumentException">The state lacks the step count or belongs to another kind of optimizer.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("step", out var step))
        {
            throw new ArgumentException("optimizer state has no 'step'", nameof(state));
        }

        StepCount = (long)step.Item();
        LoadNamedState(state);
    }

    /// <summary>The state tensors by name (without the step count).</summary>
    protected abstract IEnumerable<KeyValuePair<string, Tensor>> NamedState();

    /// <summary>Copies the named state tensors in.</summary>
    protected abstract void LoadNamedState(IReadOnlyDictionary<string, Tensor> state);

    /// <summary>Makes a state tensor owned by this optimizer (freed with it).</summary>
    protected Tensor Own(Tensor tensor)
    {
        _state.Add(tensor.DetachFromDisposeScope());
        return tensor;
    }

    /// <summary>Frees the optimizer's state tensors (not the parameters).</summary>
    public void Dispose()
    {
        foreach (var t in _state) t.Dispose();
        _state.Clear();
        _stepTensor?.Dispose();
        GC.SuppressFinalize(this);
    }
}
