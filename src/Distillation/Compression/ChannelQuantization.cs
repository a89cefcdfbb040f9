namespace Ensemble.Distillation.Compression;

/// <summary>
/// Weights stored as int8 with one scale per output channel and zero point 0 (symmetric, per-channel: Krishnamoorthi
/// 2018, "Quantizing deep convolutional networks for efficient inference", §3.1): w ≈ q · scale[c],
/// q = round(w / scale[c]) in [−127, 127], scale[c] = max |w[c, …]| / 127.
/// </summary>
/// <param name="Values">The codes, in the float tensor's (row-major, channel-first) order.</param>
/// <param name="Scales">One scale per channel, each &gt; 0.</param>
public sealed record ChannelQuantization(sbyte[] Values, float[] Scales)
{
    /// <summary>The most an int32 bias code may be, so that a bias divided by a tiny scale cannot overflow it.</summary>
    private const double BiasCodeLimit = 1 << 30;

    /// <summary>
    /// Quantizes <paramref name="weights"/> (<paramref name="channels"/> rows of equal length) and chooses each scale so
    /// that the channel's bias, stored as int32 at scale <paramref name="inputScale"/> · scale[c], fits: a channel
    /// whose weights are all zero (pruned) otherwise gets scale 0 and its bias an infinite code.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not match, or a value is not finite.</exception>
    public static ChannelQuantization Quantize(ReadOnlySpan<float> weights, int channels, ReadOnlySpan<float> bias, float inputScale)
    {
        if (channels < 1 || weights.Length % channels != 0 || bias.Length != channels)
        {
            throw new ArgumentException($"{weights.Length} weights and {bias.Length} biases are not {channels} channels of equal length", nameof(weights));
        }

        var width = weights.Length / channels;
        var values = new sbyte[weights.Length];
        var scales = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var row = weights.Slice(c * width, width);
            var largest = 0f;
            foreach (var w in row)
            {
                if (!float.IsFinite(w)) throw new ArgumentException($"channel {c} holds the weight {w}", nameof(weights));
                largest = Math.Max(largest, Math.Abs(w));
            }

            scales[c] = (float)Math.Max(Math.Max(largest / 127.0, Math.Abs(bias[c]) / (inputScale * BiasCodeLimit)), 1e-12);
            for (var i = 0; i < width; i++)
            {
                values[c * width + i] = (sbyte)Math.Clamp(Math.Round(row[i] / scales[c], MidpointRounding.ToEven), -127, 127);
            }
        }

        return new ChannelQuantization(values, scales);
    }

    /// <summary>The bias as int32 codes at scale <paramref name="inputScale"/> · scale[c] (zero point 0), as ONNX Runtime's integer kernels add it.</summary>
    public int[] QuantizeBias(ReadOnlySpan<float> bias, float inputScale)
    {
        var codes = new int[bias.Length];
        for (var c = 0; c < bias.Length; c++)
        {
            codes[c] = (int)Math.Clamp(Math.Round(bias[c] / ((double)inputScale * Scales[c]), MidpointRounding.ToEven), -BiasCodeLimit, BiasCodeLimit);
        }

        return codes;
    }
}
