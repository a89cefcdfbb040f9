namespace Ensemble.Distillation.Compression;

/// <summary>
/// How one activation tensor is stored as uint8: x ≈ (q − <see cref="ZeroPoint"/>) · <see cref="Scale"/>, the
/// asymmetric scheme of ONNX <c>QuantizeLinear</c> (q = saturate(round(x / scale) + zero_point), round half to even).
/// </summary>
/// <param name="Scale">The step between two codes; > 0.</param>
/// <param name="ZeroPoint">The code of 0.0, so that zero (ReLU's floor, padding) is exact.</param>
public readonly record struct AffineQuantization(float Scale, byte ZeroPoint)
{
    /// <summary>
    /// The quantization that covers [<paramref name="min"/>, <paramref name="max"/>] widened to hold 0 (Jacob et al.
    /// 2018, "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference", §2.1):
    /// scale = (max − min) / 255, zero point = round(−min / scale).
    /// </summary>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="min"/> &gt; <paramref name="max"/>.</exception>
    public static AffineQuantization FromRange(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
        {
            throw new ArgumentException($"an observed range must be finite and ordered, got [{min}, {max}]", nameof(min));
        }

        (min, max) = (Math.Min(min, 0f), Math.Max(max, 0f));
        // An all-zero range still needs a positive scale: any will do, every value is the zero point.
        var scale = max > min ? (max - min) / 255f : 1f;
        var zeroPoint = (byte)Math.Clamp(Math.Round(-min / scale, MidpointRounding.ToEven), 0, 255);
        return new AffineQuantization(scale, zeroPoint);
    }

    /// <summary>The value <paramref name="x"/> after a round trip through uint8, as ONNX Runtime computes it.</summary>
    public float RoundTrip(float x)
    {
        var q = Math.Clamp(Math.Round(x / Scale, MidpointRounding.ToEven) + ZeroPoint, 0, 255);
        return (float)((q - ZeroPoint) * Scale);
    }
}
