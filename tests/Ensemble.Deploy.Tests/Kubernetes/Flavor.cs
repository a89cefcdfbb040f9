namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>Which nodes an overlay targets.</summary>
internal enum Flavor
{
    /// <summary>overlays/cpu: the CPU image, no GPUs requested.</summary>
    Cpu,

    /// <summary>overlays/gpu: the CUDA image, one GPU per slot, GPU nodes.</summary>
    Gpu,
}
