namespace Ensemble.Torch;

/// <summary>A libtorch operation failed; the message is libtorch's own (e.g. the shapes of a bad matmul).</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message)
    {
    }
}
