using Ensemble.Torch.Internal;

namespace Ensemble.Torch;

/// <summary>Restores libtorch's previous grad mode when disposed (see <see cref="Torch.NoGrad"/>).</summary>
public readonly struct GradMode : IDisposable
{
    private readonly bool _previous;

    internal GradMode(bool enabled)
    {
        _previous = NativeMethods.ens_is_grad_enabled() != 0;
        NativeMethods.ens_set_grad_enabled(enabled ? 1 : 0);
    }

    /// <summary>Whether operations on this thread currently record autograd history.</summary>
    public static bool IsEnabled => NativeMethods.ens_is_grad_enabled() != 0;

    /// <summary>Restores the mode that was in force before this one.</summary>
    public void Dispose() => NativeMethods.ens_set_grad_enabled(_previous ? 1 : 0);
}
