using Ensemble.Torch;

namespace Ensemble.Torch.Tests;

/// <summary>libtorch's errors surface as exceptions with its message, and the process carries on.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void MatMul_MismatchedShapes_ThrowsTorchExceptionNamingBothShapes()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Ones([2, 3]);
        var b = Torch.Ones([4, 5]);

        var e = Assert.Throws<TorchException>(() => a.MatMul(b));

        Assert.Contains("2x3", e.Message);
        Assert.Contains("4x5", e.Message);
    }

    [Fact]
    public void MatMul_AfterAFailedCall_StillWorksAndLeavesNoStaleError()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.FromArray<float>([1, 2, 3, 4, 5, 6], [2, 3]);
        Assert.Throws<TorchException>(() => a.MatMul(Torch.Ones([4, 5])));

        var product = a.MatMul(Torch.FromArray<float>([1, 0, 0, 1, 1, 1], [3, 2]));

        Assert.Equal([2L, 2L], product.Shape);
        Assert.Equal([4f, 5f, 10f, 11f], product.ToArray<float>());
        // A tensor without a gradient must report "none", not a leftover error.
        Assert.Null(a.Grad);
    }

    [Fact]
    public void CrossEntropy_LabelOutOfRange_ThrowsTorchException()
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Torch.Zeros([2, 3]);
        var labels = Torch.FromArray<long>([0, 5]);

        var e = Assert.Throws<TorchException>(() => Functional.CrossEntropy(logits, labels));

        Assert.Contains("5", e.Message);
        Assert.Contains("out of bounds", e.Message);
    }

    [Fact]
    public void Reshape_ImpossibleShape_ThrowsTorchExceptionNamingShapeAndSize()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Torch.Zeros([2, 3]);

        var e = Assert.Throws<TorchException>(() => t.Reshape(4, 4));

        Assert.Contains("[4, 4]", e.Message);
        Assert.Contains("6", e.Message);
    }

    [Fact]
    public void Backward_NonScalarWithoutGradient_ThrowsTorchException()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([3]);
        x.RequiresGrad = true;
        var y = x * 2.0;

        var e = Assert.Throws<TorchException>(() => y.Backward());

        Assert.Contains("scalar", e.Message);
    }

    [Fact]
    public void Size_DimensionOutOfRange_ThrowsTorchException()
    {
        using var t = Torch.Zeros([2, 3]);

        Assert.Throws<TorchException>(() => t.Size(5));
        Assert.Equal(3, t.Size(-1));
    }

    [Fact]
    public void Item_ManyElements_ThrowsTorchException()
    {
        using var t = Torch.Zeros([2, 3]);

        Assert.Throws<TorchException>(() => t.Item());
    }

    [Fact]
    public void ToArray_WrongElementType_ThrowsInvalidOperationException()
    {
        using var t = Torch.Zeros([2, 3]);

        var e = Assert.Throws<InvalidOperationException>(() => t.ToArray<double>());

        Assert.Contains("Float32", e.Message);
        Assert.Contains("Float64", e.Message);
    }

    [Fact]
    public void CopyTo_WrongLength_ThrowsTorchException()
    {
        using var t = Torch.Zeros([2, 3]);

        Assert.Throws<TorchException>(() => t.CopyTo<float>(new float[5]));
    }

    [Fact]
    public void FromArray_ShapeDoesNotMatchLength_ThrowsArgumentException()
    {
        var before = LiveTensors.Settled();

        var e = Assert.Throws<ArgumentException>(() => Torch.FromArray<float>([1, 2, 3, 4, 5], [2, 3]));

        Assert.Equal("shape", e.ParamName);
        Assert.Contains("6", e.Message);
        Assert.Contains("5", e.Message);
        Assert.Equal(before, Torch.LiveTensorCount);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void DeviceParse_UnknownText_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => Device.Parse(text));

    [Theory]
    [InlineData("cpu", DeviceType.Cpu, -1)]
    [InlineData(" CUDA ", DeviceType.Cuda, 0)]
    [InlineData("cuda:3", DeviceType.Cuda, 3)]
    public void DeviceParse_KnownText_ReturnsDevice(string text, DeviceType type, int index) =>
        Assert.Equal(new Device(type, index), Device.Parse(text));

    [Fact]
    public void EnsureAvailable_CudaWithoutGpu_ThrowsArgumentException()
    {
        Torch.EnsureAvailable(Device.Cpu);
        if (Torch.CudaIsAvailable) return;

        var e = Assert.Throws<ArgumentException>(() => Torch.EnsureAvailable(Device.Cuda(0)));

        Assert.Contains("cuda:0", e.Message);
    }

    [Fact]
    public void EnsureAvailable_CudaIndexBeyondDeviceCount_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => Torch.EnsureAvailable(Device.Cuda(Torch.CudaDeviceCount)));

    [Fact]
    public void Threads_LessThanOne_ThrowsArgumentOutOfRangeException() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Threads = 0);

    [Fact]
    public void DisposedTensor_Use_ThrowsObjectDisposedException()
    {
        var t = Torch.Zeros([2]);
        t.Dispose();

        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.Exp());
        Assert.Equal("Tensor(disposed)", t.ToString());
    }
}
