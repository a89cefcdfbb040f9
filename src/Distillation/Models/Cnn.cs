using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Models;

/// <summary>
/// Conv blocks [Conv3×3 (pad 1) → BatchNorm → ReLU → MaxPool 2], then Flatten → Linear → ReLU → Dropout → Linear.
/// Input: N×C×H×W (a flat N×(C·H·W) input is reshaped with the example shape).
/// </summary>
/// <remarks>State-dict names are PyTorch's: <c>features.0.weight</c>, <c>features.1.running_mean</c>, <c>head.1.weight</c>, …</remarks>
public sealed class Cnn : nn.Module<Tensor, Tensor>
{
    private readonly long[] _imageShape;
    private readonly List<nn.Module<Tensor, Tensor>> _blocks = [];
    private readonly nn.Module<Tensor, Tensor> _head;

    /// <summary>Builds the network for examples of shape C×H×W.</summary>
    public Cnn(int[] exampleShape, IReadOnlyList<int> channels, int fcHidden, int classes, double dropout, Device? device = null) : base(nameof(Cnn))
    {
        if (exampleShape.Length != 3)
        {
            throw new ArgumentException($"a CNN needs image examples (C×H×W), not shape [{string.Join(", ", exampleShape)}]", nameof(exampleShape));
        }

        _imageShape = [-1, .. exampleShape.Select(s => (long)s)];
        int c = exampleShape[0], h = exampleShape[1], w = exampleShape[2];
        foreach (var outChannels in channels)
        {
            _blocks.Add(nn.Conv2d(c, outChannels, 3, padding: 1));
            _blocks.Add(nn.BatchNorm2d(outChannels));
            _blocks.Add(nn.ReLU());
            _blocks.Add(nn.MaxPool2d(2));
            (c, h, w) = (outChannels, h / 2, w / 2);
        }

        if (h < 1 || w < 1) throw new ArgumentException($"{channels.Count} pooling blocks shrink a {exampleShape[1]}×{exampleShape[2]} image to nothing", nameof(channels));
        _head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c * h * w, fcHidden),
            nn.ReLU(),
            new InvertedDropout(dropout),
            nn.Linear(fcHidden, classes));
        // Registered as PyTorch's nn.Sequential for the state-dict names (features.0.weight, …); forward runs the blocks itself.
        register_module("features", nn.Sequential(_blocks));
        register_module("head", _head);
        if (device is not null) this.to(device);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        // TorchSharp's own message for a wrong channel count names neither shape; this one names both.
        var shape = input.shape;
        var example = _imageShape[1..];
        var fits = shape.Length == 4 ? shape.AsSpan(1).SequenceEqual(example) : shape.Length == 2 && shape[1] == example[0] * example[1] * example[2];
        if (!fits)
        {
            throw new ArgumentException(
                $"input has shape [{string.Join(", ", shape)}]; this cnn takes [N, {string.Join(", ", example)}] (or [N, {example[0] * example[1] * example[2]}])", nameof(input));
        }

        // The blocks run one by one to switch the layout after the first convolution.
        var x = input.dim() == 4 ? input.alias() : input.reshape(_imageShape);
        for (var i = 0; i < _blocks.Count; i++)
        {
            var next = _blocks[i].call(x);
            x.Dispose();
            x = i == 0 && next.device_type == DeviceType.CPU ? ToChannelsLast(next) : next;
        }

        using var features = x;
        return _head.call(features);
    }

    /// <summary>
    /// The same N×C×H×W tensor with channels-last strides (N×H×W×C in memory). On the CPU, libtorch's batch norm and
    /// max pooling have vectorised kernels only for that layout, and oneDNN's convolution keeps it: the CNN step takes
    /// ~16 % less time (bench/RESULTS.md). The first convolution's output is converted, since a one-channel input's
    /// strides cannot say which layout it is in. Flatten copies back in N×C×H×W order, so the head's weights mean
    /// what PyTorch's do. TorchSharp 0.107 has no memory-format argument; permuting, copying and permuting back is the
    /// same thing.
    /// </summary>
    private static Tensor ToChannelsLast(Tensor x)
    {
        using (x)
        using (var nhwc = x.permute(0, 2, 3, 1))
        using (var dense = nhwc.contiguous())
        {
            return dense.permute(0, 3, 1, 2);
        }
    }
}
