using System.Runtime.InteropServices;

namespace Ensemble.Torch.Internal;

/// <summary>Owns one native at::Tensor; releasing it frees the native tensor.</summary>
internal sealed class TensorHandle : SafeHandle
{
    /// <summary>The handle passed for an absent optional tensor argument (NULL in C).</summary>
    internal static readonly TensorHandle Null = new(0, ownsHandle: false);

    public TensorHandle() : base(0, ownsHandle: true)
    {
    }

    internal TensorHandle(nint handle, bool ownsHandle = true) : base(0, ownsHandle) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ens_tensor_free(handle);
        return true;
    }
}
