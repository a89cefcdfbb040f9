using System.Reflection;
using System.Runtime.InteropServices;

namespace Ensemble.Torch.Internal;

/// <summary>Turns the C ABI's error conventions into <see cref="TorchException"/> and finds the native library.</summary>
internal static class Native
{
    /// <summary>Environment variable naming the native library file explicitly (overrides the search).</summary>
    internal const string LibraryPathVariable = "ENSEMBLE_TORCH_NATIVE";

    // The resolver must be in place before the first P/Invoke, whichever type makes it.
#pragma warning disable CA2255
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);

    internal static nint Check(nint handle)
    {
        if (handle == 0)
        {
            Throw();
        }

        return handle;
    }

    internal static void Check(int status)
    {
        if (status != 0)
        {
            Throw();
        }
    }

    internal static void Throw()
    {
        var message = Marshal.PtrToStringUTF8(NativeMethods.ens_last_error()) ?? "libtorch call failed without a message";
        NativeMethods.ens_clear_error();
        throw new TorchException(message);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Library)
        {
            return 0;
        }

        var explicitPath = Environment.GetEnvironmentVariable(LibraryPathVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return NativeLibrary.Load(explicitPath);
        }

        foreach (var candidate in Candidates())
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var loaded))
            {
                return loaded;
            }
        }

        throw new DllNotFoundException(
            $"libensemble_torch.so was not found next to {assembly.GetName().Name} or under artifacts/native; " +
            $"build it with scripts/setup.sh, or set {LibraryPathVariable} to its path.");
    }

    private static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "libensemble_torch.so");
        // A source checkout: walk up to the repository's artifacts/native.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            yield return Path.Combine(dir.FullName, "artifacts", "native", "libensemble_torch.so");
        }
    }
}
