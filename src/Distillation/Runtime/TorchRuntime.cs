using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Runtime;

/// <summary>
/// Loads libtorch and TorchSharp's native library before the first tensor, and holds the process-wide settings
/// (threads, the device check, the banner). Call <see cref="EnsureLoaded"/> first: it turns a missing or broken
/// native library into one line naming the file and the loader's real error, where TorchSharp itself would say
/// only that the package reference is missing (and copy 600 MB of libraries next to the program trying others).
/// </summary>
public static class TorchRuntime
{
    /// <summary>The environment variable naming a directory with another libtorch (e.g. PyTorch's CUDA build, <c>…/torch/lib</c>).</summary>
    public const string LibTorchDirectoryVariable = "ENSEMBLE_LIBTORCH";

    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>The TorchSharp version, e.g. 0.107.0.</summary>
    public static string TorchSharpVersion { get; } =
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>
    /// Loads libtorch (from <see cref="LibTorchDirectoryVariable"/> when set, else the copy beside the program) and
    /// libLibTorchSharp. Idempotent and thread-safe.
    /// </summary>
    /// <exception cref="TorchLoadException">A library is missing or the loader refused it.</exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            var external = Environment.GetEnvironmentVariable(LibTorchDirectoryVariable);
            if (!string.IsNullOrEmpty(external))
            {
                // PyTorch's libtorch.so pulls libtorch_cuda and the CUDA libraries in through its own RPATH.
                Load(Path.Combine(external, "libtorch.so"), $"{LibTorchDirectoryVariable}={external}");
            }
            else if (OperatingSystem.IsLinux())
            {
                Load(NativePath("libtorch.so"), "the libtorch-cpu-linux-x64 package");
            }

            if (OperatingSystem.IsLinux()) Load(NativePath("libLibTorchSharp.so"), "the TorchSharp package");
            _ = torch.__version__; // TorchSharp binds to the libraries just loaded
            _loaded = true;
        }
    }

    /// <summary>libtorch's intra-op threads (also OpenMP's and MKL's). Ensemble always sets it: a silo leaves the runtime headroom.</summary>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return torch.get_num_threads();
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Threads));
            EnsureLoaded();
            torch.set_num_threads(value);
        }
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> (= <c>cuda:0</c>) or <c>cuda:N</c>, ignoring case and surrounding space.</summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static Device ParseDevice(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t == "cuda") return new Device(DeviceType.CUDA, 0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(t.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            return new Device(DeviceType.CUDA, index);
        }

        throw new FormatException($"'{text}' is not a device: expected cpu, cuda or cuda:N");
    }

    /// <summary>The same device on another CUDA index; a CPU device stays as it is (slot i of a GPU silo trains on cuda:i).</summary>
    public static Device ForSlot(Device device, int slot) => device.type == DeviceType.CUDA ? new Device(DeviceType.CUDA, slot) : device;

    /// <summary>Checks that <paramref name="device"/> exists here.</summary>
    /// <exception cref="ArgumentException">A CUDA device was asked for and this libtorch has no such device.</exception>
    public static void EnsureAvailable(Device device)
    {
        EnsureLoaded();
        if (device.type != DeviceType.CUDA) return;
        var count = torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        if (device.index >= count)
        {
            throw new ArgumentException(
                count > 0
                    ? $"device {device} does not exist: {count} CUDA device(s) are visible"
                    : $"device {device} is not available: this libtorch ({LibTorchVersion}) sees no CUDA device; point {LibTorchDirectoryVariable} at a CUDA libtorch",
                nameof(device));
        }
    }

    /// <summary>The loaded libtorch's version, e.g. 2.10.0.</summary>
    public static string LibTorchVersion
    {
        get
        {
            EnsureLoaded();
            // TorchSharp reports four parts (2.10.0.0); PyTorch says 2.10.0.
            var parts = torch.__version__.Split('.');
            return string.Join('.', parts.Take(3));
        }
    }

    /// <summary>What computes, for banners: <c>TorchSharp 0.107.0, libtorch 2.10.0, 2 threads, cpu</c>.</summary>
    public static string Describe(Device device)
    {
        var threads = Threads;
        return $"TorchSharp {TorchSharpVersion}, libtorch {LibTorchVersion}, {threads} thread{(threads == 1 ? "" : "s")}, {device}";
    }

    // The natives sit beside the program (RID-specific build) or under runtimes/linux-x64/native (portable build).
    private static string NativePath(string file)
    {
        var root = AppContext.BaseDirectory;
        var flat = Path.Combine(root, file);
        return File.Exists(flat) ? flat : Path.Combine(root, "runtimes", "linux-x64", "native", file);
    }

    /// <summary>Loads one native library, or throws naming it and what the loader said.</summary>
    internal static void Load(string path, string origin)
    {
        if (!File.Exists(path)) throw new TorchLoadException($"{path}: not found (expected from {origin})");
        try
        {
            NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new TorchLoadException($"{path}: the loader refused it: {e.Message}", e);
        }
        catch (BadImageFormatException e)
        {
            throw new TorchLoadException($"{path}: not a loadable library: {e.Message}", e);
        }
    }
}
