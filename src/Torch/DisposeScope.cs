namespace Ensemble.Torch;

/// <summary>
/// Frees every tensor created on this thread while it is the innermost scope, when it is disposed,
/// except those moved out (<see cref="Tensor.MoveToOuterScope"/>) or detached
/// (<see cref="Tensor.DetachFromDisposeScope"/>). Training loops create thousands of temporaries a second;
/// this keeps native memory flat without waiting for the garbage collector.
/// </summary>
/// <remarks>Scopes are per thread and must be disposed on the thread that created them, innermost first.</remarks>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? t_current;

    private readonly DisposeScope? _outer;
    private readonly List<Tensor> _owned = [];
    private bool _disposed;

    internal DisposeScope()
    {
        _outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost scope on this thread, if any.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>The number of tensors this scope still owns.</summary>
    public int Count => _owned.Count(t => ReferenceEquals(t.Scope, this));

    internal void Own(Tensor tensor)
    {
        tensor.Scope = this;
        _owned.Add(tensor);
    }

    internal void Release(Tensor tensor, bool toOuter)
    {
        tensor.Scope = null;
        if (toOuter)
        {
            _outer?.Own(tensor);
        }
    }

    /// <summary>Disposes the tensors this scope still owns and makes the outer scope current again.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (!ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException("dispose scopes must be disposed innermost first, on the thread that opened them");
        }

        _disposed = true;
        t_current = _outer;
        foreach (var tensor in _owned)
        {
            if (ReferenceEquals(tensor.Scope, this))
            {
                tensor.Scope = null;
                tensor.Dispose();
            }
        }

        _owned.Clear();
    }
}
