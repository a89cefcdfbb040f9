using Ensemble.Distillation.Compression;
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
/// <c>input</c>: float32 <c>[N, …exampleShape]</c> (N examples, e.g. <c>[N, 1, 28, 28]</c>, standardized as the
/// training data was), and one output, <c>logits</c>: float32 <c>[N, classes]</c>, unnormalised (softmax gives the
/// class probabilities). The batch dimension is the symbolic <c>N</c>; all others are static. The weights are float32 initializers stored as little-endian
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
/// <para>
/// <see cref="ExportInt8"/> writes the same network quantized in ONNX's QDQ form: the input of every <c>Gemm</c> and
/// <c>Conv</c> passes through <c>QuantizeLinear</c> → <c>DequantizeLinear</c> (uint8, per-tensor, from calibration),
/// its weights are int8 initializers with one scale per output channel behind a <c>DequantizeLinear</c> (axis 0), and
/// its bias an int32 initializer at scale input scale × weight scale. In a CNN the output of each ReLU is quantized
/// too, at the scale the next layer's input shares, so that max-pooling can stay in uint8. Runtimes that know the
/// pattern (ONNX Runtime) fuse each group into one integer operator; any other runs it as float arithmetic on the
/// quantized values. Batch norm is folded into the convolution before quantization, as integer inference needs.
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
    public static void Export(nn.Module<Tensor, Tensor> model, ModelSpec spec, int[] exampleShape, int classes, Stream output) =>
        Write(model, spec, exampleShape, classes, output, inputs: null);

    /// <summary>Writes <paramref name="model"/> as an int8 ONNX model in QDQ form (see the remarks) to <paramref name="output"/>.</summary>
    /// <param name="model">The float network, as for <see cref="Export"/>.</param>
    /// <param name="spec">The architecture <paramref name="model"/> was built from.</param>
    /// <param name="exampleShape">The shape of one example.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="inputs">The calibrated quantization of every layer's input, by module name (<see cref="ActivationCalibration.Observe"/>).</param>
    /// <param name="output">Where the bytes go.</param>
    /// <exception cref="ArgumentException">As for <see cref="Export"/>, or a layer has no calibrated input.</exception>
    public static void ExportInt8(nn.Module<Tensor, Tensor> model, ModelSpec spec, int[] exampleShape, int classes,
        IReadOnlyDictionary<string, AffineQuantization> inputs, Stream output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Write(model, spec, exampleShape, classes, output, inputs);
    }

    private static void Write(nn.Module<Tensor, Tensor> model, ModelSpec spec, int[] exampleShape, int classes, Stream output,
        IReadOnlyDictionary<string, AffineQuantization>? inputs)
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
        var layers = new OnnxLayers(graph, weights, inputs);
        var input = graph.SetInput(InputName, [OnnxGraph.BatchDimension, .. exampleShape.Select(s => (long)s)]);
        var logits = spec.Kind == ModelKind.Mlp
            ? MlpGraph(graph, layers, spec, input, exampleShape, classes)
            : CnnGraph(graph, layers, spec, input, exampleShape, classes);
        graph.SetOutput(logits, [OnnxGraph.BatchDimension, classes]);
        weights.EnsureAllUsed();
        var precision = inputs is null ? "" : ", int8 weights and activations (QDQ)";
        graph.WriteModel(output, Producer,
            $"{description}{precision}: input '{InputName}' float32 [N, {string.Join(", ", exampleShape)}], output '{OutputName}' float32 [N, {classes}]");
    }

    /// <summary>Flatten → [Gemm → Relu] per hidden width → Gemm, as <see cref="Mlp"/> (its Sequential holds Linear, ReLU, Dropout per hidden layer).</summary>
    private static string MlpGraph(OnnxGraph graph, OnnxLayers layers, ModelSpec spec, string input, int[] exampleShape, int classes)
    {
        var x = exampleShape.Length > 1 ? graph.AddNode("Flatten", [input], "flatten", OnnxAttribute.Int("axis", 1)) : input;
        var width = exampleShape.Aggregate(1, (a, b) => a * b);
        var index = 0;
        foreach (var hidden in spec.Hidden)
        {
            x = layers.Linear($"layers.{index}", x, width, hidden);
            x = graph.AddNode("Relu", [x], $"layers.{index + 1}");
            index += 3; // Linear, ReLU, Dropout
            width = hidden;
        }

        return layers.Linear($"layers.{index}", x, width, classes, OutputName);
    }

    /// <summary>
    /// [Conv 3×3 pad 1 → BatchNormalization → Relu → MaxPool 2] per block, then Flatten → Gemm → Relu → Gemm, as
    /// <see cref="Cnn"/> (features: Conv2d, BatchNorm2d, ReLU, MaxPool2d per block; head: Flatten, Linear, ReLU, Dropout, Linear).
    /// </summary>
    private static string CnnGraph(OnnxGraph graph, OnnxLayers layers, ModelSpec spec, string input, int[] exampleShape, int classes)
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
            x = layers.ConvolutionAndNorm($"features.{index}", $"features.{index + 1}", x, c, channels);
            x = layers.QuantizedActivation($"features.{index + 2}", graph.AddNode("Relu", [x], $"features.{index + 2}"));
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
        x = layers.Linear("head.1", x, c * h * w, spec.FcHidden);
        x = graph.AddNode("Relu", [x], "head.2");
        return layers.Linear("head.4", x, spec.FcHidden, classes, OutputName); // head.3 is Dropout
    }
}
