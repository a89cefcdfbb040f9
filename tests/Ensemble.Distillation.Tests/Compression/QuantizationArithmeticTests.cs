using Ensemble.Distillation.Compression;

namespace Ensemble.Distillation.Tests.Compression;

/// <summary>The quantization formulas on values worked out by hand.</summary>
public sealed class QuantizationArithmeticTests
{
    [Fact]
    public void ActivationRange_MinusOneToThree_HasScaleFourOver255_AndZeroPoint64()
    {
        var q = AffineQuantization.FromRange(-1f, 3f);

        // scale = 4 / 255; zero point = round(1 / (4 / 255)) = round(63.75) = 64.
        Assert.Equal(4f / 255f, q.Scale, 1e-7f);
        Assert.Equal(64, q.ZeroPoint);
        Assert.Equal(0f, q.RoundTrip(0f));
        // 3 → round(3 · 63.75) + 64 = 191 + 64 = 255; back: 191 · 4/255 = 2.99608.
        Assert.Equal(191 * 4f / 255f, q.RoundTrip(3f), 1e-6f);
        Assert.Equal(q.RoundTrip(3f), q.RoundTrip(100f)); // saturates
    }

    [Fact]
    public void ActivationRange_AllPositive_IsWidenedToHoldZero()
    {
        var q = AffineQuantization.FromRange(0.5f, 2f);

        Assert.Equal(2f / 255f, q.Scale, 1e-7f);
        Assert.Equal(0, q.ZeroPoint);
    }

    [Fact]
    public void ActivationRange_NotFiniteOrReversed_IsRefusedNamingIt()
    {
        Assert.Equal("an observed range must be finite and ordered, got [2, 1] (Parameter 'min')",
            Assert.Throws<ArgumentException>(() => AffineQuantization.FromRange(2f, 1f)).Message);
        Assert.Throws<ArgumentException>(() => AffineQuantization.FromRange(float.NaN, 1f));
    }

    [Fact]
    public void ChannelWeights_AreSymmetricPerChannel_AndAZeroChannelKeepsItsBiasRepresentable()
    {
        // Channel 0: max |w| = 1.27 → scale 0.01, codes 50 and −127. Channel 1 was pruned to zero but has bias 0.2.
        var q = ChannelQuantization.Quantize([0.5f, -1.27f, 0f, 0f], 2, [0.1f, 0.2f], inputScale: 0.1f);

        Assert.Equal(0.01f, q.Scales[0], 1e-8f);
        Assert.Equal([50, -127, 0, 0], q.Values.Select(v => (int)v));
        var bias = q.QuantizeBias([0.1f, 0.2f], 0.1f);
        // 0.1 / (0.1 · 0.01) = 100; the zero channel's scale is chosen so that its bias is 2³⁰ codes, not infinity.
        Assert.Equal(100, bias[0]);
        Assert.Equal(1 << 30, bias[1]);
        Assert.Equal(0.2, bias[1] * 0.1 * q.Scales[1], 6);
    }

    [Fact]
    public void ChannelWeights_OfTheWrongLength_AreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ChannelQuantization.Quantize([1f, 2f, 3f], 2, [0f, 0f], 1f));

        Assert.Equal("3 weights and 2 biases are not 2 channels of equal length (Parameter 'weights')", e.Message);
    }
}
