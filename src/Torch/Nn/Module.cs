namespace Ensemble.Torch.Nn;

/// <summary>
/// A network layer or a network: named parameters and buffers, child modules, train/eval mode.
/// Names follow PyTorch's state-dict convention (<c>0.weight</c>, <c>features.1.running_mean</c>), so
/// weights saved as safetensors load in other tools.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];
    private bool _disposed;

    /// <summary>Whether the module is in training mode (dropout active, batch statistics used).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Switches this module and its children to training or evaluation mode.</summary>
    public void Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.Train(training);
    }

    /// <summary>Switches to evaluation mode.</summary>
    public void Eval() => Train(false);

    /// <summary>Every trainable parameter with its dotted name, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters() => Collect(m => m._parameters);

    /// <summary>Every buffer (non-trained state such as running statistics) with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers() => Collect(m => m._buffers);

    /// <summary>Every trainable parameter.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>The number of trainable scalars.</summary>
    public long ParameterCount => Parameters().Sum(p => p.NumEl);

    /// <summary>Parameters and buffers by name: what a checkpoint stores.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict() =>
        NamedParameters().Concat(NamedBuffers()).ToDictionary(p => p.Name, p => p.Tensor);

    /// <summary>Copies values into this module's parameters and buffers.</summary>
    /// <exception cref="ArgumentException">A name is missing, unexpected, or has another shape; nothing is copied then.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        var own = StateDict();
        var problems = new List<string>();
        problems.AddRange(own.Keys.Where(k => !state.ContainsKey(k)).Select(k => $"missing '{k}'"));
        problems.AddRange(state.Keys.Where(k => !own.ContainsKey(k)).Select(k => $"unexpected '{k}'"));
        foreach (var (name, tensor) in own)
        {
            if (state.TryGetValue(name, out var source) && !source.Shape.SequenceEqual(tensor.Shape))
            {
                problems.Add($"'{name}' has shape [{string.Join(", ", source.Shape)}], the model expects [{string.Join(", ", tensor.Shape)}]");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"state does not fit {GetType().Name}: {string.Join("; ", problems)}", nameof(state));
        }

        using var noGrad = Torch.NoGrad();
        foreach (var (name, tensor) in own) tensor.CopyInPlace(state[name]);
    }

    /// <summary>Registers a trainable parameter; the module owns it from now on.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a buffer; the module owns it from now on.</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        _buffers.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a child module; its names are prefixed with <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    private IEnumerable<(string, Tensor)> Collect(Func<Module, List<(string Name, Tensor Tensor)>> select)
    {
        foreach (var (name, tensor) in select(this)) yield return (name, tensor);
        foreach (var (prefix, child) in _children)
        {
            foreach (var (name, tensor) in child.Collect(select)) yield return ($"{prefix}.{name}", tensor);
        }
    }

    /// <summary>Frees every parameter and buffer, and the children's.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, t) in _parameters) t.Dispose();
        foreach (var (_, t) in _buffers) t.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}
