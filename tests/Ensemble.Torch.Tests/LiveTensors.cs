namespace Ensemble.Torch.Tests;

/// <summary>The native tensor count, read once the garbage collector has finalized what earlier tests left undisposed.</summary>
internal static class LiveTensors
{
    /// <summary>
    /// A baseline for leak checks. Without settling, the finalizer thread can free an earlier test's forgotten
    /// tensor in the middle of a check, and the count then drops below a baseline it was never part of.
    /// </summary>
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Torch.LiveTensorCount;
    }
}
