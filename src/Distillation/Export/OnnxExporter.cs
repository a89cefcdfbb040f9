using Ensemble.Distillation.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Export;

/// <summary>
/// Writes a trained <see cref="Mlp"/> or <see cref="Cnn"/> as an ONNX model, so that any ONNX runtime (OpenCV's DNN
/// module, ONNX Runtime, …) can run it without libtorch.
/// </summary>
/// <remarks>
/// <para>
/// The file is a <c>ModelProto</c> of IR version 7 importing opset 13 of the default domain, <c>producer_name</c>
/// <c>ensemble</c>, and as <c>doc_string</c> the model's description (<c>mlp 784-300-10</c>). Its graph has one input,
/// <c>input</c>: float32 <c>[1, …exampleShape]</c> (one example, e.g. <c>[1, 1, 28, 28]</c>, standardized as the
/// training data was), and one output, <c>logits</c>: float32 <c>[1, classes]</c>, unnormalised (softmax gives the
/// class probabilities). All shapes are static. The weights are float32 initializers stored as little-endian
/// <c>raw_data</c>, named as in the model's state dict and so in <c>student.safetensors</c>
/// (<c>layers.0.weight</c>, <c>features.1.running_mean</c>, …).
/// </para>
/// <para>
/// The nodes, named after the module whose output they compute:
/// MLP: <c>Flatten</c> (when the example has more than one dimension), then <c>Gemm</c> (<c>transB</c> = 1) →
/// <c>Relu</c> per hidden layer, then a <c>Gemm</c> to the logits.
/// CNN: per block <c>Conv</c> 3×3 (pads 1) → <c>BatchNormalization</c> → <c>Relu</c> → <c>MaxPool</c> 2×2 (stride 2),
/// then <c>Flatten</c> → <c>Gemm</c> → <c>Relu</c> → <c>Gemm</c>.
/// Dropout is the identity at inference and is left out.
/// </para>
/// <para>
/// Batch norm is a node of its own (running mean and variance, ε = <see cref="BatchNormEpsilon"/>), not folded into the
/// convolution: the initializers then are the state dict's tensors unchanged, one for one, and the arithmetic is the
/// one libtorch does in evaluation mode. Runtimes fold it themselves when they load the graph.
/// </para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output.</summary>
    public const string OutputName = "logits";

    /// <summary>The <c>producer_name</c> written into every file.</summary>
    public const string Producer = "ensemble";

    /// <summary>The ε of every batch norm: <c>nn.BatchNorm2d</c>'s default, which <see cref="Cnn"/> uses.</summary>
    public const float BatchNormEpsilon = 1e-5f;

    /// <summary>The opset of the default domain the file imports.</summary>
    public const long Opset = OnnxGraph.Opset;

    /// <summary>Writes <paramref name="model"/> as an ONNX model to <paramref name="output"/>.</summary>
    /// <param name="model">The network, as <see cref="ModelFactory.Create"/> built it from <paramref name="spec"/>; its weights are read on the CPU, the model is not changed.</param>
    /// <param name="spec">The architecture <paramref name="model"/> was built from.</param>
    /// <param name="exampleShape">The shape of one example, e.g. <c>[1, 28, 28]</c>; the input is <c>[1, …exampleShape]</c>.</param>
    /// <param name="classes">The number of classes; the output is <c>[1, classes]</c>.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <exception cref="ArgumentException">
    /// The spec is invalid, the model is not the kind the spec names, or its weights do not have the shapes the spec,
    /// example shape and class count imply; the message names the tensor and both shapes.
    /// </exception>
    public static void Export(nn.Module<Tensor, Tensor> model, ModelSpec spec, int[] exampleShape, int classes, Stream output)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(exampleShape);
        ArgumentNullException.ThrowIfNull(output);
        var problems = spec.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(spec));
        if (exampleShape.Length == 0 || exampleShape.Any(s => s < 1))
        {
            throw new ArgumentException($"example shape [{string.Join(", ", exampleShape)}]: needs at least one dimension, each ≥ 1", nameof(exampleShape));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var expected = spec.Kind == ModelKind.Mlp ? typeof(Mlp) : typeof(Cnn);
        if (model.GetType() != expected)
        {
            throw new ArgumentException(
                $"spec.kind is {spec.Kind}, so the model must be a {expected.Name}, not a {model.GetType().Name} (ONNX export knows Mlp and Cnn)", nameof(model));
        }

        var features = exampleShape.Aggregate(1, (a, b) => a * b);
        var description = spec.Describe(features, classes);
        var weights = new ExportedWeights(model.state_dict(), $"{description} on examples [{string.Join(", ", exampleShape)}]");
        var graph = new OnnxGraph(description);
        var input = graph.SetInput(InputName, [1, .. exampleShape.Select(s => (long)s)]);
        var logits = spec.Kind == ModelKind.Mlp
            ? MlpGraph(graph, weights, spec, input, exampleShape, classes)
            : CnnGraph(graph, weights, spec, input, exampleShape, classes);
        graph.SetOutput(logits, [1, classes]);
        weights.EnsureAllUsed();
        graph.WriteModel(output, Producer,
            $"{description}: input '{InputName}' float32 [1, {string.Join(", ", exampleShape)}], output '{OutputName}' float32 [1, {classes}]");
    }

    /// <summary>Flatten → [Gemm → Relu] per hidden width → Gemm, as <see cref="Mlp"/> (its Sequential holds Linear, ReLU, Dropout per hidden layer).</summary>
    private static string MlpGraph(OnnxGraph graph, ExportedWeights weights, ModelSpec spec, string input, int[] exampleShape, int classes)
    {
        var x = exampleShape.Length > 1 ? graph.AddNode("Flatten", [input], "flatten", OnnxAttribute.Int("axis", 1)) : input;
        var width = exampleShape.Aggregate(1, (a, b) => a * b);
        var index = 0;
        foreach (var hidden in spec.Hidden)
        {
            x = Linear(graph, weights, $"layers.{index}", x, width, hidden);
            x = graph.AddNode("Relu", [x], $"layers.{index + 1}");
            index += 3; // Linear, ReLU, Dropout
            width = hidden;
        }

        return Linear(graph, weights, $"layers.{index}", x, width, classes, OutputName);
    }

    /// <summary>
    /// [Conv 3×3 pad 1 → BatchNormalization → Relu → MaxPool 2] per block, then Flatten → Gemm → Relu → Gemm, as
    /// <see cref="Cnn"/> (features: Conv2d, BatchNorm2d, ReLU, MaxPool2d per block; head: Flatten, Linear, ReLU, Dropout, Linear).
    /// </summary>
    private static string CnnGraph(OnnxGraph graph, ExportedWeights weights, ModelSpec spec, string input, int[] exampleShape, int classes)
    {
        if (exampleShape.Length != 3)
        {
            throw new ArgumentException($"a CNN takes images (C×H×W), not examples of shape [{string.Join(", ", exampleShape)}]", nameof(exampleShape));
        }

        var x = input;
        int c = exampleShape[0], h = exampleShape[1], w = exampleShape[2];
        var index = 0;
        foreach (var channels in spec.Channels)
        {
            var conv = $"features.{index}";
            x = graph.AddNode("Conv", [x, weights.Add(graph, $"{conv}.weight", channels, c, 3, 3), weights.Add(graph, $"{conv}.bias", channels)], conv,
                OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1), OnnxAttribute.Ints("strides", 1, 1));
            var norm = $"features.{index + 1}";
            x = graph.AddNode("BatchNormalization",
                [x, .. new[] { "weight", "bias", "running_mean", "running_var" }.Select(p => weights.Add(graph, $"{norm}.{p}", channels))], norm,
                OnnxAttribute.Float("epsilon", BatchNormEpsilon));
            x = graph.AddNode("Relu", [x], $"features.{index + 2}");
            // ONNX MaxPool rounds the output size down by default (ceil_mode = 0), as PyTorch's does.
            x = graph.AddNode("MaxPool", [x], $"features.{index + 3}", OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("strides", 2, 2));
            (c, h, w) = (channels, h / 2, w / 2);
            index += 4;
        }

        if (h < 1 || w < 1)
        {
            throw new ArgumentException(
                $"{spec.Channels.Length} pooling blocks shrink a {exampleShape[1]}×{exampleShape[2]} image to nothing", nameof(exampleShape));
        }

        x = graph.AddNode("Flatten", [x], "head.0", OnnxAttribute.Int("axis", 1));
        x = Linear(graph, weights, "head.1", x, c * h * w, spec.FcHidden);
        x = graph.AddNode("Relu", [x], "head.2");
        return Linear(graph, weights, "head.4", x, spec.FcHidden, classes, OutputName); // head.3 is Dropout
    }

    /// <summary>y = x·Wᵀ + b as <c>Gemm</c> with <c>transB</c> = 1, W being PyTorch's out×in weight.</summary>
    private static string Linear(OnnxGraph graph, ExportedWeights weights, string module, string input, int inFeatures, int outFeatures, string? output = null) =>
        graph.AddNode("Gemm", [input, weights.Add(graph, $"{module}.weight", outFeatures, inFeatures), weights.Add(graph, $"{module}.bias", outFeatures)],
            output ?? module, OnnxAttribute.Int("transB", 1));
}
