using Ensemble.Torch.Internal;
using N = Ensemble.Torch.Internal.NativeMethods;

namespace Ensemble.Torch;

public sealed unsafe partial class Tensor
{
    /// <summary>−x.</summary>
    public Tensor Neg() => new(N.ens_neg(Handle));
    /// <summary>eˣ.</summary>
    public Tensor Exp() => new(N.ens_exp(Handle));
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => new(N.ens_log(Handle));
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => new(N.ens_sqrt(Handle));
    /// <summary>|x|.</summary>
    public Tensor Abs() => new(N.ens_abs(Handle));
    /// <summary>x².</summary>
    public Tensor Square() => new(N.ens_square(Handle));
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => new(N.ens_relu(Handle));
    /// <summary>1 / (1 + e⁻ˣ).</summary>
    public Tensor Sigmoid() => new(N.ens_sigmoid(Handle));
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => new(N.ens_tanh(Handle));

    /// <summary>this + alpha·other (broadcasting).</summary>
    public Tensor Add(Tensor other, double alpha = 1) => new(N.ens_add(Handle, other.Handle, alpha));
    /// <summary>this − other (broadcasting).</summary>
    public Tensor Sub(Tensor other) => new(N.ens_sub(Handle, other.Handle));
    /// <summary>Element-wise product (broadcasting).</summary>
    public Tensor Mul(Tensor other) => new(N.ens_mul(Handle, other.Handle));
    /// <summary>Element-wise quotient (broadcasting).</summary>
    public Tensor Div(Tensor other) => new(N.ens_div(Handle, other.Handle));
    /// <summary>Element-wise power.</summary>
    public Tensor Pow(Tensor exponent) => new(N.ens_pow(Handle, exponent.Handle));
    /// <summary>xᵉ for a scalar exponent.</summary>
    public Tensor Pow(double exponent) => new(N.ens_pow_scalar(Handle, exponent));
    /// <summary>Element-wise maximum.</summary>
    public Tensor Maximum(Tensor other) => new(N.ens_maximum(Handle, other.Handle));
    /// <summary>Element-wise minimum.</summary>
    public Tensor Minimum(Tensor other) => new(N.ens_minimum(Handle, other.Handle));
    /// <summary>Limits every element to [min, max]; a null bound is open.</summary>
    public Tensor Clamp(double? min = null, double? max = null) =>
        new(N.ens_clamp(Handle, min ?? double.NaN, max ?? double.NaN));

    /// <summary>Element-wise ==, as a bool tensor.</summary>
    public Tensor Eq(Tensor other) => new(N.ens_compare(Handle, other.Handle, 0));
    /// <summary>Element-wise ==, as a bool tensor.</summary>
    public Tensor Eq(double value) => new(N.ens_compare_scalar(Handle, value, 0));
    /// <summary>Element-wise &lt;, as a bool tensor.</summary>
    public Tensor Lt(double value) => new(N.ens_compare_scalar(Handle, value, 2));
    /// <summary>Element-wise &gt;, as a bool tensor.</summary>
    public Tensor Gt(double value) => new(N.ens_compare_scalar(Handle, value, 4));

    /// <summary>Chooses from <paramref name="ifTrue"/> where <paramref name="condition"/> holds, else from <paramref name="ifFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor ifTrue, Tensor ifFalse) =>
        new(N.ens_where(condition.Handle, ifTrue.Handle, ifFalse.Handle));

    /// <summary>Matrix product with libtorch's broadcasting rules.</summary>
    public Tensor MatMul(Tensor other) => new(N.ens_matmul(Handle, other.Handle));

    /// <summary>Softmax over <paramref name="dim"/>.</summary>
    public Tensor Softmax(long dim) => new(N.ens_softmax(Handle, dim));
    /// <summary>Log-softmax over <paramref name="dim"/> (numerically stable).</summary>
    public Tensor LogSoftmax(long dim) => new(N.ens_log_softmax(Handle, dim));

    /// <summary>A tensor of the same data with a new shape (one dimension may be −1).</summary>
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* p = shape) return new(N.ens_reshape(Handle, p, shape.Length));
    }

    /// <summary>Merges dimensions <paramref name="startDim"/>…<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => new(N.ens_flatten(Handle, startDim, endDim));
    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(long dim0, long dim1) => new(N.ens_transpose(Handle, dim0, dim1));
    /// <summary>The transpose of a matrix.</summary>
    public Tensor T() => Transpose(0, 1);

    /// <summary>Reorders the dimensions.</summary>
    public unsafe Tensor Permute(params long[] dims)
    {
        fixed (long* p = dims) return new(N.ens_permute(Handle, p, dims.Length));
    }

    /// <summary>Inserts a dimension of size one.</summary>
    public Tensor Unsqueeze(long dim) => new(N.ens_unsqueeze(Handle, dim));
    /// <summary>Removes a dimension of size one.</summary>
    public Tensor Squeeze(long dim) => new(N.ens_squeeze(Handle, dim));

    /// <summary>Broadcasts to a larger shape without copying.</summary>
    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* p = shape) return new(N.ens_expand(Handle, p, shape.Length));
    }

    /// <summary>Elements <paramref name="start"/>…<paramref name="start"/>+<paramref name="length"/> of one dimension (a view).</summary>
    public Tensor Narrow(long dim, long start, long length) => new(N.ens_narrow(Handle, dim, start, length));
    /// <summary>The slices at <paramref name="index"/> (int64) along <paramref name="dim"/>.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => new(N.ens_index_select(Handle, dim, index.Handle));
    /// <summary>Gathers values along <paramref name="dim"/> at <paramref name="index"/> (int64).</summary>
    public Tensor Gather(long dim, Tensor index) => new(N.ens_gather(Handle, dim, index.Handle));
    /// <summary>One-hot encoding of int64 labels, as int64.</summary>
    public Tensor OneHot(long classes) => new(N.ens_one_hot(Handle, classes));

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(tensors, dim, stack: false);
    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(tensors, dim, stack: true);

    private static unsafe Tensor Combine(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        var handles = new nint[tensors.Count];
        var added = new bool[tensors.Count];
        try
        {
            for (var i = 0; i < handles.Length; i++)
            {
                tensors[i].Handle.DangerousAddRef(ref added[i]);
                handles[i] = tensors[i].Handle.DangerousGetHandle();
            }

            fixed (nint* p = handles)
            {
                return new(stack ? N.ens_stack(p, handles.Length, dim) : N.ens_cat(p, handles.Length, dim));
            }
        }
        finally
        {
            for (var i = 0; i < handles.Length; i++)
            {
                if (added[i]) tensors[i].Handle.DangerousRelease();
            }
        }
    }

    /// <summary>The sum of all elements.</summary>
    public Tensor Sum() => Reduce(N.ens_sum, [], false);
    /// <summary>The sum over <paramref name="dims"/>.</summary>
    public Tensor Sum(long[] dims, bool keepDim = false) => Reduce(N.ens_sum, dims, keepDim);
    /// <summary>The sum over one dimension.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(N.ens_sum, [dim], keepDim);
    /// <summary>The mean of all elements.</summary>
    public Tensor Mean() => Reduce(N.ens_mean, [], false);
    /// <summary>The mean over <paramref name="dims"/>.</summary>
    public Tensor Mean(long[] dims, bool keepDim = false) => Reduce(N.ens_mean, dims, keepDim);
    /// <summary>The mean over one dimension.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(N.ens_mean, [dim], keepDim);
    /// <summary>log Σ exp over one dimension (numerically stable).</summary>
    public Tensor LogSumExp(long dim, bool keepDim = false) => Reduce(N.ens_logsumexp, [dim], keepDim);
    /// <summary>The maximum over one dimension.</summary>
    public Tensor Amax(long dim, bool keepDim = false) => Reduce(N.ens_amax, [dim], keepDim);

    /// <summary>The standard deviation over one dimension (Bessel-corrected when <paramref name="unbiased"/>).</summary>
    public unsafe Tensor Std(long dim, bool unbiased = true, bool keepDim = false) =>
        new(N.ens_std(Handle, &dim, 1, unbiased ? 1 : 0, keepDim ? 1 : 0));

    /// <summary>The index of the maximum along <paramref name="dim"/> (int64).</summary>
    public Tensor ArgMax(long dim, bool keepDim = false) => new(N.ens_argmax(Handle, dim, keepDim ? 1 : 0));

    private unsafe delegate nint ReduceOp(TensorHandle t, long* dims, int ndim, int keepDim);

    private unsafe Tensor Reduce(ReduceOp op, long[] dims, bool keepDim)
    {
        fixed (long* p = dims) return new(op(Handle, p, dims.Length, keepDim ? 1 : 0));
    }

    /// <summary>A copy converted to <paramref name="type"/> (and optionally moved to <paramref name="device"/>).</summary>
    public Tensor To(ScalarType type, Device? device = null)
    {
        var d = device ?? Device;
        return new(N.ens_to(Handle, (int)type, (int)d.Type, d.Index));
    }

    /// <summary>This tensor on <paramref name="device"/>.</summary>
    public Tensor To(Device device) => To(DType, device);
    /// <summary>A copy with its own storage.</summary>
    public Tensor Clone() => new(N.ens_clone(Handle));
    /// <summary>The same data, cut off from the autograd graph.</summary>
    public Tensor Detach() => new(N.ens_detach(Handle));
    /// <summary>The same data laid out contiguously.</summary>
    public Tensor Contiguous() => new(N.ens_contiguous(Handle));
    /// <summary>A second handle to the same tensor (same storage and autograd identity).</summary>
    public Tensor Alias() => new(N.ens_alias(Handle));

    /// <summary>this += alpha·other, without recording history.</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1) { Native.Check(N.ens_add_(Handle, other.Handle, alpha)); return this; }
    /// <summary>this *= other, without recording history.</summary>
    public Tensor MulInPlace(Tensor other) { Native.Check(N.ens_mul_(Handle, other.Handle)); return this; }
    /// <summary>this *= s, without recording history.</summary>
    public Tensor MulInPlace(double s) { Native.Check(N.ens_mul_scalar_(Handle, s)); return this; }
    /// <summary>this += value·a·b, without recording history.</summary>
    public Tensor AddCMulInPlace(Tensor a, Tensor b, double value) { Native.Check(N.ens_addcmul_(Handle, a.Handle, b.Handle, value)); return this; }
    /// <summary>this += value·a/b, without recording history.</summary>
    public Tensor AddCDivInPlace(Tensor a, Tensor b, double value) { Native.Check(N.ens_addcdiv_(Handle, a.Handle, b.Handle, value)); return this; }
    /// <summary>Copies <paramref name="source"/>'s values into this tensor (broadcasting, converting).</summary>
    public Tensor CopyInPlace(Tensor source) { Native.Check(N.ens_copy_(Handle, source.Handle)); return this; }
    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor FillInPlace(double value) { Native.Check(N.ens_fill_(Handle, value)); return this; }
    /// <summary>Fills with samples of U(low, high) from libtorch's generator.</summary>
    public Tensor UniformInPlace(double low, double high) { Native.Check(N.ens_uniform_(Handle, low, high)); return this; }
    /// <summary>Fills with samples of N(mean, std²) from libtorch's generator.</summary>
    public Tensor NormalInPlace(double mean, double std) { Native.Check(N.ens_normal_(Handle, mean, std)); return this; }

    /// <summary>Element-wise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Element-wise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Element-wise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Element-wise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => new(N.ens_add_scalar(a.Handle, s));
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double s, Tensor a) => new(N.ens_add_scalar(a.Handle, s));
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => new(N.ens_add_scalar(a.Handle, -s));
    /// <summary>A scalar minus each element.</summary>
    public static Tensor operator -(double s, Tensor a) => new(N.ens_rsub_scalar(a.Handle, s));
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => new(N.ens_mul_scalar(a.Handle, s));
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => new(N.ens_mul_scalar(a.Handle, s));
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => new(N.ens_div_scalar(a.Handle, s));
}
