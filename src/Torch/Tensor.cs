using Ensemble.Torch.Internal;

namespace Ensemble.Torch;

/// <summary>
/// A libtorch tensor. Owns one native handle; dispose it, or create it inside a <see cref="DisposeScope"/>.
/// Operations return new tensors (the <c>…InPlace</c> methods excepted) and throw <see cref="TorchException"/>
/// with libtorch's message when libtorch rejects them.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    internal Tensor(nint handle)
    {
        Handle = new TensorHandle(Native.Check(handle));
        DisposeScope.Current?.Own(this);
    }

    internal TensorHandle Handle { get; }

    internal DisposeScope? Scope { get; set; }

    /// <summary>Whether the native tensor has been freed.</summary>
    public bool IsDisposed => Handle.IsClosed;

    /// <summary>The number of dimensions.</summary>
    public int Dim => NativeMethods.ens_ndim(Handle);

    /// <summary>The size of every dimension.</summary>
    public long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            for (var i = 0; i < shape.Length; i++)
            {
                shape[i] = NativeMethods.ens_size(Handle, i);
            }

            return shape;
        }
    }

    /// <summary>The size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var size = NativeMethods.ens_size(Handle, dim);
        if (size < 0) Native.Throw();
        return size;
    }

    /// <summary>The number of elements.</summary>
    public long NumEl => NativeMethods.ens_numel(Handle);

    /// <summary>The element type.</summary>
    public ScalarType DType => (ScalarType)NativeMethods.ens_dtype(Handle);

    /// <summary>The device the data lives on.</summary>
    public Device Device => NativeMethods.ens_device_type(Handle) == 0
        ? Device.Cpu
        : Device.Cuda(NativeMethods.ens_device_index(Handle));

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get => NativeMethods.ens_requires_grad(Handle) == 1;
        set => Native.Check(NativeMethods.ens_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>The gradient accumulated by <see cref="Backward"/>, as a new handle; null when there is none.</summary>
    public Tensor? Grad
    {
        get
        {
            var g = NativeMethods.ens_grad(Handle);
            if (g == 0)
            {
                if (NativeMethods.ens_last_error() != 0) Native.Throw();
                return null;
            }

            return new Tensor(g);
        }
    }

    /// <summary>Back-propagates from this tensor (a scalar unless <paramref name="gradient"/> is given).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) =>
        Native.Check(NativeMethods.ens_backward(Handle, gradient?.Handle ?? TensorHandle.Null, retainGraph ? 1 : 0));

    /// <summary>Zeroes the accumulated gradient in place, or drops it when <paramref name="setToNone"/> (the next backward then allocates a fresh one).</summary>
    public void ZeroGrad(bool setToNone = false) => Native.Check(NativeMethods.ens_zero_grad(Handle, setToNone ? 1 : 0));

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        double value;
        unsafe
        {
            Native.Check(NativeMethods.ens_item(Handle, &value));
        }

        return value;
    }

    /// <summary>Copies the elements (row-major) into a new managed array; <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var expected = ScalarTypes.Of<T>();
        if (expected != DType)
        {
            throw new InvalidOperationException($"tensor holds {DType}, not {expected}; convert it with To({expected}) first");
        }

        var result = new T[NumEl];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements (row-major) into <paramref name="destination"/>, which must have exactly <see cref="NumEl"/> elements.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        fixed (T* p = destination)
        {
            Native.Check(NativeMethods.ens_copy_to_buffer(Handle, p, (long)destination.Length * sizeof(T)));
        }
    }

    /// <summary>Takes this tensor out of its dispose scope into the enclosing one (or into no scope).</summary>
    public Tensor MoveToOuterScope()
    {
        Scope?.Release(this, toOuter: true);
        return this;
    }

    /// <summary>Takes this tensor out of every dispose scope: the caller now owns it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope?.Release(this, toOuter: false);
        return this;
    }

    /// <summary>Frees the native tensor now.</summary>
    public void Dispose() => Handle.Dispose();

    /// <inheritdoc/>
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", Shape)}], {DType}, {Device})";
}
