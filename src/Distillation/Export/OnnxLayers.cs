using Ensemble.Distillation.Compression;

namespace Ensemble.Distillation.Export;

/// <summary>
/// Writes the weighted layers of an exported network, float32 as the state dict holds them, or int8 in QDQ form when
/// calibrated input quantizations are given (<see cref="OnnxExporter.ExportInt8"/>).
/// </summary>
/// <param name="graph">The graph the nodes go into.</param>
/// <param name="weights">The model's tensors.</param>
/// <param name="inputs">Each layer's input quantization by module name; null for a float export.</param>
internal sealed class OnnxLayers(OnnxGraph graph, ExportedWeights weights, IReadOnlyDictionary<string, AffineQuantization>? inputs)
{
    /// <summary>y = x·Wᵀ + b as <c>Gemm</c> with <c>transB</c> = 1, W being PyTorch's out×in weight.</summary>
    public string Linear(string module, string input, int inFeatures, int outFeatures, string? output = null)
    {
        var transB = OnnxAttribute.Int("transB", 1);
        if (inputs is null)
        {
            return graph.AddNode("Gemm", [input, weights.Add(graph, $"{module}.weight", outFeatures, inFeatures), weights.Add(graph, $"{module}.bias", outFeatures)],
                output ?? module, transB);
        }

        var w = weights.Values($"{module}.weight", outFeatures, inFeatures);
        var b = weights.Values($"{module}.bias", outFeatures);
        var (x, weight, bias) = Quantized(module, input, w, [outFeatures, inFeatures], b);
        return graph.AddNode("Gemm", [x, weight, bias], output ?? module, transB);
    }

    /// <summary>
    /// Conv 3×3 (pads 1) then batch norm (ε = <see cref="OnnxExporter.BatchNormEpsilon"/>, running statistics): two
    /// nodes in a float export; in an int8 one a single <c>Conv</c> with the norm folded in, w' = w·γ/√(σ² + ε) and
    /// b' = (b − μ)·γ/√(σ² + ε) + β per output channel, since integer kernels have no batch norm.
    /// </summary>
    public string ConvolutionAndNorm(string conv, string norm, string input, int inChannels, int outChannels)
    {
        var attributes = new[] { OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1), OnnxAttribute.Ints("strides", 1, 1) };
        var parameters = new[] { "weight", "bias", "running_mean", "running_var" };
        if (inputs is null)
        {
            var x = graph.AddNode("Conv", [input, weights.Add(graph, $"{conv}.weight", outChannels, inChannels, 3, 3), weights.Add(graph, $"{conv}.bias", outChannels)],
                conv, attributes);
            return graph.AddNode("BatchNormalization", [x, .. parameters.Select(p => weights.Add(graph, $"{norm}.{p}", outChannels))], norm,
                OnnxAttribute.Float("epsilon", OnnxExporter.BatchNormEpsilon));
        }

        var w = weights.Values($"{conv}.weight", outChannels, inChannels, 3, 3);
        var b = weights.Values($"{conv}.bias", outChannels);
        var (gamma, beta, mean, variance) = (weights.Values($"{norm}.weight", outChannels), weights.Values($"{norm}.bias", outChannels),
            weights.Values($"{norm}.running_mean", outChannels), weights.Values($"{norm}.running_var", outChannels));
        var perChannel = w.Length / outChannels;
        for (var c = 0; c < outChannels; c++)
        {
            var factor = gamma[c] / MathF.Sqrt(variance[c] + OnnxExporter.BatchNormEpsilon);
            for (var i = 0; i < perChannel; i++) w[c * perChannel + i] *= factor;
            b[c] = (b[c] - mean[c]) * factor + beta[c];
        }

        var (qx, weight, bias) = Quantized(conv, input, w, [outChannels, inChannels, 3, 3], b);
        return graph.AddNode("Conv", [qx, weight, bias], conv, attributes);
    }

    /// <summary>
    /// In an int8 export, the output of ReLU <paramref name="module"/> through QuantizeLinear → DequantizeLinear at its
    /// calibrated scale (the one the next layer's input shares, <see cref="ActivationCalibration"/>), so that a runtime
    /// fuses convolution, ReLU and this into one integer convolution with a uint8 output; a float export adds nothing.
    /// </summary>
    public string QuantizedActivation(string module, string input) => inputs is null ? input : QuantizeDequantize(module, input);

    /// <summary>
    /// The input through QuantizeLinear → DequantizeLinear at its calibrated scale, and the int8 weight and int32 bias
    /// each behind a per-channel DequantizeLinear (axis 0): the QDQ pattern ONNX Runtime turns into one integer kernel.
    /// </summary>
    private (string Input, string Weight, string Bias) Quantized(string module, string input, float[] w, long[] dims, float[] b)
    {
        var x = QuantizeDequantize(module, input);
        var activation = inputs![module];

        var channels = (int)dims[0];
        var q = ChannelQuantization.Quantize(w, channels, b, activation.Scale);
        var axis = OnnxAttribute.Int("axis", 0);
        var weight = graph.AddNode("DequantizeLinear",
            [graph.AddInitializer($"{module}.weight_quantized", dims, q.Values), graph.AddInitializer($"{module}.weight_scale", [channels], q.Scales),
             graph.AddInitializer($"{module}.weight_zero_point", [channels], new sbyte[channels])],
            $"{module}.weight", axis);
        var biasScales = q.Scales.Select(s => activation.Scale * s).ToArray();
        var bias = graph.AddNode("DequantizeLinear",
            // No zero point: 0, its default, and an int32 one would cost as many bytes as the bias itself.
            [graph.AddInitializer($"{module}.bias_quantized", [channels], q.QuantizeBias(b, activation.Scale)),
             graph.AddInitializer($"{module}.bias_scale", [channels], biasScales)],
            $"{module}.bias", axis);
        return (x, weight, bias);
    }

    private string QuantizeDequantize(string module, string input)
    {
        if (!inputs!.TryGetValue(module, out var activation))
        {
            throw new ArgumentException($"no calibrated quantization for '{module}' (have {string.Join(", ", inputs.Keys.Order(StringComparer.Ordinal))})", nameof(inputs));
        }

        var scale = graph.AddInitializer($"{module}.quantization_scale", [], [activation.Scale]);
        var zeroPoint = graph.AddInitializer($"{module}.quantization_zero_point", [], [activation.ZeroPoint]);
        var quantized = graph.AddNode("QuantizeLinear", [input, scale, zeroPoint], $"{module}.quantized");
        return graph.AddNode("DequantizeLinear", [quantized, scale, zeroPoint], $"{module}.dequantized");
    }
}
