using Ensemble.Distillation.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Runtime;

/// <summary>TorchSharp and libtorch load in the test host, and the process-wide settings read back.</summary>
public sealed class TorchRuntimeTests
{
    [Fact]
    public void TorchSharp_LoadsInTheTestHost()
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.EnsureLoaded(); // idempotent

        Assert.StartsWith("2.10", __version__);
        using var scope = NewDisposeScope();
        var product = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]).matmul(tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]));
        Assert.Equal([2L, 2L], product.shape);
        Assert.Equal([4f, 5f, 10f, 11f], product.data<float>().ToArray());
    }

    [Fact]
    public void Threads_SetToOne_ReadsBackOne()
    {
        var original = TorchRuntime.Threads;
        try
        {
            TorchRuntime.Threads = 1;
            Assert.Equal(1, TorchRuntime.Threads);
            TorchRuntime.Threads = 2;
            Assert.Equal(2, TorchRuntime.Threads);
        }
        finally
        {
            TorchRuntime.Threads = original;
        }

        Assert.Equal(original, TorchRuntime.Threads);
    }

    [Fact]
    public void Threads_LessThanOne_ThrowsArgumentOutOfRangeException() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.Threads = 0);

    [Fact]
    public void Describe_NamesBothVersionsTheThreadsAndTheDevice()
    {
        var original = TorchRuntime.Threads;
        try
        {
            TorchRuntime.Threads = 2;
            Assert.Equal("TorchSharp 0.107.0, libtorch 2.10.0, 2 threads, cpu", TorchRuntime.Describe(CPU));
            TorchRuntime.Threads = 1;
            Assert.EndsWith(", 1 thread, cpu", TorchRuntime.Describe(CPU));
            Assert.StartsWith("TorchSharp 0.107.0, libtorch 2.10", TorchRuntime.Describe(CPU));
        }
        finally
        {
            TorchRuntime.Threads = original;
        }
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void ParseDevice_UnknownText_ThrowsFormatExceptionQuotingIt(string text)
    {
        var e = Assert.Throws<FormatException>(() => TorchRuntime.ParseDevice(text));
        Assert.Equal($"'{text}' is not a device: expected cpu, cuda or cuda:N", e.Message);
    }

    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("cuda:0", DeviceType.CUDA, 0)]
    [InlineData(" CUDA ", DeviceType.CUDA, 0)]
    [InlineData("cuda:3", DeviceType.CUDA, 3)]
    public void ParseDevice_KnownText_ReturnsDevice(string text, DeviceType type, int index)
    {
        var device = TorchRuntime.ParseDevice(text);
        Assert.Equal(type, device.type);
        Assert.Equal(index, device.index);
    }

    [Fact]
    public void EnsureAvailable_CudaWithoutGpu_ThrowsArgumentExceptionNamingTheDevice()
    {
        TorchRuntime.EnsureAvailable(CPU);
        if (cuda.is_available()) return;

        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.EnsureAvailable(new Device(DeviceType.CUDA, 0)));

        Assert.Contains("cuda:0", e.Message);
    }

    [Fact]
    public void Load_AMissingLibrary_NamesTheFileAndWhereItWasExpectedFrom()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ensemble-missing-{Guid.NewGuid():N}", "libtorch.so");

        var error = Assert.Throws<TorchLoadException>(() => TorchRuntime.Load(path, "ENSEMBLE_LIBTORCH=/nowhere"));

        Assert.Equal($"{path}: not found (expected from ENSEMBLE_LIBTORCH=/nowhere)", error.Message);
    }

    [Fact]
    public void Load_ACorruptLibrary_GivesTheLoadersOwnError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ensemble-corrupt-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 1, 2, 3]);
        try
        {
            var error = Assert.Throws<TorchLoadException>(() => TorchRuntime.Load(path, "a test"));

            Assert.StartsWith($"{path}: the loader refused it: ", error.Message, StringComparison.Ordinal);
            // dlopen's own words (glibc: "file too short" / "invalid ELF header"), not TorchSharp's package advice.
            Assert.Matches("file too short|invalid ELF header|not a valid", error.Message);
            Assert.DoesNotContain("doesn't contain a reference", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
