using Ensemble.Torch;
using Ensemble.Torch.Nn;

namespace Ensemble.Distillation.Models;

/// <summary>
/// Conv blocks [Conv3×3 (pad 1) → BatchNorm → ReLU → MaxPool 2], then Flatten → Linear → ReLU → Dropout → Linear.
/// Input: N×C×H×W (a flat N×(C·H·W) input is reshaped with the example shape).
/// </summary>
public sealed class Cnn : Module
{
    private readonly int[] _exampleShape;
    private readonly Sequential _features;
    private readonly Sequential _head;

    /// <summary>Builds the network for examples of shape C×H×W.</summary>
    public Cnn(int[] exampleShape, IReadOnlyList<int> channels, int fcHidden, int classes, double dropout, Device? device = null)
    {
        if (exampleShape.Length != 3)
        {
            throw new ArgumentException($"a CNN needs image examples (C×H×W), not shape [{string.Join(", ", exampleShape)}]", nameof(exampleShape));
        }

        _exampleShape = exampleShape;
        var blocks = new List<Module>();
        int c = exampleShape[0], h = exampleShape[1], w = exampleShape[2];
        foreach (var outChannels in channels)
        {
            blocks.Add(new Conv2d(c, outChannels, 3, padding: 1, device: device));
            blocks.Add(new BatchNorm2d(outChannels, device: device));
            blocks.Add(new Relu());
            blocks.Add(new MaxPool2d(2));
            (c, h, w) = (outChannels, h / 2, w / 2);
        }

        if (h < 1 || w < 1) throw new ArgumentException($"{channels.Count} pooling blocks shrink a {exampleShape[1]}×{exampleShape[2]} image to nothing", nameof(channels));
        _features = RegisterModule("features", new Sequential(blocks));
        _head = RegisterModule("head", new Sequential(
            new Flatten(),
            new Linear(c * h * w, fcHidden, device: device),
            new Relu(),
            new Dropout(dropout),
            new Linear(fcHidden, classes, device: device)));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        using var images = input.Dim == 4 ? input.Alias() : input.Reshape([-1, .. _exampleShape.Select(s => (long)s)]);
        using var features = _features.Forward(images);
        return _head.Forward(features);
    }
}
