using System.Runtime.InteropServices;
using Ensemble.Torch.Internal;
using N = Ensemble.Torch.Internal.NativeMethods;

namespace Ensemble.Torch;

/// <summary>Process-wide libtorch settings and tensor factories.</summary>
public static unsafe class Torch
{
    /// <summary>The libtorch version the native library was built against.</summary>
    public static string Version => Marshal.PtrToStringUTF8(N.ens_torch_version()) ?? "unknown";

    /// <summary>Native tensors currently alive in this process (every handle not yet freed).</summary>
    public static long LiveTensorCount => N.ens_live_tensors();

    /// <summary>
    /// libtorch's intra-op thread count. Debian's libtorch starts with one thread; Ensemble sets it
    /// explicitly (default: every core) before training.
    /// </summary>
    public static int Threads
    {
        get => N.ens_get_num_threads();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Threads));
            Native.Check(N.ens_set_num_threads(value));
        }
    }

    /// <summary>Whether a CUDA device can be used.</summary>
    public static bool CudaIsAvailable => N.ens_cuda_is_available() != 0;

    /// <summary>The number of CUDA devices.</summary>
    public static int CudaDeviceCount => N.ens_cuda_device_count();

    /// <summary>Seeds libtorch's default generators (initialisation, dropout, randperm).</summary>
    public static void ManualSeed(ulong seed) => N.ens_manual_seed(seed);

    /// <summary>The CPU generator's state, as a uint8 tensor (for checkpoints).</summary>
    public static Tensor GetRngState() => new(N.ens_rng_get_state());

    /// <summary>Restores a state obtained from <see cref="GetRngState"/>.</summary>
    public static void SetRngState(Tensor state) => Native.Check(N.ens_rng_set_state(state.Handle));

    /// <summary>Stops autograd recording on this thread until the result is disposed.</summary>
    public static GradMode NoGrad() => new(false);

    /// <summary>Opens a dispose scope on this thread (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Checks that <paramref name="device"/> exists here.</summary>
    /// <exception cref="ArgumentException">A CUDA device was asked for and is not available.</exception>
    public static void EnsureAvailable(Device device)
    {
        if (device.Type == DeviceType.Cuda && device.Index >= CudaDeviceCount)
        {
            throw new ArgumentException(
                CudaIsAvailable
                    ? $"device {device} does not exist: {CudaDeviceCount} CUDA device(s) are visible"
                    : $"device {device} is not available: this libtorch ({Version}) sees no CUDA device",
                nameof(device));
        }
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray<T>(ReadOnlySpan<T> data, long[] shape, Device? device = null) where T : unmanaged
    {
        var count = ElementCount(shape);
        if (count != data.Length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} were given", nameof(shape));
        }

        return FromData(MemoryMarshal.AsBytes(data), ScalarTypes.Of<T>(), shape, device);
    }

    /// <summary>A tensor of <paramref name="type"/> whose little-endian element bytes are <paramref name="data"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> data, ScalarType type, long[] shape, Device? device = null)
    {
        var bytes = ElementCount(shape) * type.ElementSize();
        if (bytes != data.Length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] of {type} needs {bytes} bytes but {data.Length} were given", nameof(data));
        }

        return FromData(data, type, shape, device);
    }

    private static long ElementCount(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    // The one native copy behind both factories; callers have checked that data fits the shape.
    private static Tensor FromData(ReadOnlySpan<byte> data, ScalarType type, long[] shape, Device? device)
    {
        var d = device ?? Device.Cpu;
        fixed (byte* p = data)
        fixed (long* s = shape)
        {
            return new Tensor(N.ens_from_data(p, s, shape.Length, (int)type, (int)d.Type, d.Index));
        }
    }

    /// <summary>A one-dimensional tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray<T>(T[] data, Device? device = null) where T : unmanaged =>
        FromArray<T>(data, [data.LongLength], device);

    /// <summary>A tensor holding one value.</summary>
    public static Tensor Scalar(double value, ScalarType type = ScalarType.Float32, Device? device = null) =>
        Full([], value, type, device);

    /// <summary>Zeros.</summary>
    public static Tensor Zeros(long[] shape, ScalarType type = ScalarType.Float32, Device? device = null) =>
        Create(N.ens_zeros, shape, type, device);

    /// <summary>Ones.</summary>
    public static Tensor Ones(long[] shape, ScalarType type = ScalarType.Float32, Device? device = null) =>
        Create(N.ens_ones, shape, type, device);

    /// <summary>Every element <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, ScalarType type = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape) return new Tensor(N.ens_full(s, shape.Length, value, (int)type, (int)d.Type, d.Index));
    }

    /// <summary>Samples of U(0, 1).</summary>
    public static Tensor Rand(long[] shape, ScalarType type = ScalarType.Float32, Device? device = null) =>
        Create(N.ens_rand, shape, type, device);

    /// <summary>Samples of N(0, 1).</summary>
    public static Tensor Randn(long[] shape, ScalarType type = ScalarType.Float32, Device? device = null) =>
        Create(N.ens_randn, shape, type, device);

    private delegate nint ShapeFactory(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    private static Tensor Create(ShapeFactory factory, long[] shape, ScalarType type, Device? device)
    {
        var d = device ?? Device.Cpu;
        fixed (long* s = shape) return new Tensor(factory(s, shape.Length, (int)type, (int)d.Type, d.Index));
    }

    /// <summary>A random permutation of 0…n−1 (int64) from libtorch's generator.</summary>
    public static Tensor Randperm(long n, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return new Tensor(N.ens_randperm(n, (int)ScalarType.Int64, (int)d.Type, d.Index));
    }

    /// <summary>start, start+step, … up to (not including) end.</summary>
    public static Tensor Arange(double start, double end, double step = 1, ScalarType type = ScalarType.Int64, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return new Tensor(N.ens_arange(start, end, step, (int)type, (int)d.Type, d.Index));
    }
}
